import { useId, useState, type FormEvent, type KeyboardEvent, type RefObject } from 'react';
import { MAX_QUESTION_CHARS, questionCounter, readyQuestion, sendsQuestion } from './question';

/**
 * The question box: Enter asks, Shift+Enter starts a new line; a counter appears near the 2,000
 * character limit. While a conversation goes on, the next question is a follow-up, and "New
 * conversation" starts over.
 */
export function QuestionForm({
  value,
  onChange,
  onAsk,
  asking,
  followsUp,
  onNewConversation,
  inputRef,
}: {
  value: string;
  onChange: (value: string) => void;
  onAsk: (question: string) => void;
  asking: boolean;
  /** The question the next one follows up on, or null outside a conversation. */
  followsUp: string | null;
  onNewConversation: () => void;
  inputRef: RefObject<HTMLTextAreaElement | null>;
}) {
  const id = useId();
  const [empty, setEmpty] = useState(false);
  const counter = questionCounter(value.length);

  const send = () => {
    const question = readyQuestion(value);
    if (!question) {
      setEmpty(true);
      inputRef.current?.focus();
      return;
    }
    if (!asking) onAsk(question);
  };

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    send();
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    const { key, shiftKey, nativeEvent } = event;
    if (sendsQuestion({ key, shiftKey, isComposing: nativeEvent.isComposing })) {
      event.preventDefault();
      send();
    }
  };

  const describedBy = [`${id}-hint`, counter ? `${id}-counter` : '', empty ? `${id}-empty` : '']
    .filter(Boolean)
    .join(' ');

  return (
    <form className="ask-form" onSubmit={onSubmit} aria-label="Ask a question">
      <div className="field">
        <label htmlFor={`${id}-question`} className="field__label">
          Your question
        </label>
        <textarea
          ref={inputRef}
          id={`${id}-question`}
          className="input ask-form__question"
          rows={3}
          maxLength={MAX_QUESTION_CHARS}
          value={value}
          onChange={(event) => {
            setEmpty(false);
            onChange(event.target.value);
          }}
          onKeyDown={onKeyDown}
          placeholder="For example: average price by month"
          aria-describedby={describedBy}
          data-testid="ask-question"
        />
        <div className="ask-form__meta">
          <span id={`${id}-hint`} className="field__hint">
            Enter to ask, Shift+Enter for a new line.
          </span>
          {counter && (
            <span
              id={`${id}-counter`}
              className={`ask-form__counter${counter.atLimit ? ' ask-form__counter--full' : ''}`}
              data-testid="ask-counter"
            >
              {counter.text}
              {counter.atLimit && <span className="visually-hidden"> characters: the limit</span>}
            </span>
          )}
        </div>
        {empty && (
          <p id={`${id}-empty`} className="field__hint ask-form__empty" role="status">
            Type a question first.
          </p>
        )}
      </div>
      <div className="button-row">
        <button type="submit" className="button" disabled={asking} data-testid="ask-submit">
          {asking ? 'Asking…' : 'Ask'}
        </button>
        {followsUp !== null && (
          <button
            type="button"
            className="button button--ghost"
            onClick={onNewConversation}
            data-testid="new-conversation"
          >
            New conversation
          </button>
        )}
      </div>
      {followsUp !== null && (
        <p className="muted ask-form__follow-up" data-testid="follows-up">
          Your next question follows up on “{followsUp}”.
        </p>
      )}
    </form>
  );
}
