/** Questions as buttons: pressing one asks it. */
export function Suggestions({
  title,
  questions,
  onAsk,
  disabled = false,
  testId,
}: {
  title: string;
  questions: readonly string[];
  onAsk: (question: string) => void;
  disabled?: boolean;
  testId: string;
}) {
  if (questions.length === 0) return null;
  return (
    <div className="suggestions" role="group" aria-label={title} data-testid={testId}>
      <p className="suggestions__title">{title}</p>
      <ul className="suggestions__list">
        {questions.map((question) => (
          <li key={question}>
            <button
              type="button"
              className="suggestion"
              onClick={() => onAsk(question)}
              disabled={disabled}
            >
              {question}
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
