import { useId, useRef, useState, type ReactNode } from 'react';

type CopyState = 'idle' | 'copied' | 'failed';

/**
 * A secret the platform shows once (a new API key): clearly marked, with a copy button and the
 * warning that it cannot be shown again. It lives only in the state of the page that created it.
 */
export function OneTimeSecret({
  title,
  secret,
  children,
  onDone,
}: {
  title: string;
  secret: string;
  /** What the secret allows, in a sentence. */
  children: ReactNode;
  onDone: () => void;
}) {
  const titleId = useId();
  const valueRef = useRef<HTMLElement>(null);
  const [copy, setCopy] = useState<CopyState>('idle');

  const onCopy = async () => {
    try {
      await navigator.clipboard.writeText(secret);
      setCopy('copied');
    } catch {
      // No clipboard permission (or no secure context): select the text so Ctrl+C copies it.
      const value = valueRef.current;
      const selection = window.getSelection();
      if (value && selection) {
        const range = document.createRange();
        range.selectNodeContents(value);
        selection.removeAllRanges();
        selection.addRange(range);
      }
      setCopy('failed');
    }
  };

  return (
    <section className="secret-box" aria-labelledby={titleId} data-testid="one-time-secret">
      <h3 id={titleId} className="secret-box__title">
        {title}
      </h3>
      <p className="secret-box__warning">
        <strong>Copy it now: it will not be shown again.</strong> {children}
      </p>
      <div className="secret-box__value">
        <code ref={valueRef} data-testid="secret-value">
          {secret}
        </code>
        <button type="button" className="button button--small" onClick={() => void onCopy()}>
          Copy
        </button>
      </div>
      <p className="secret-box__status" role="status">
        {copy === 'copied' && 'Copied to the clipboard.'}
        {copy === 'failed' &&
          'The browser did not allow copying. The secret is selected: copy it with Ctrl+C (⌘C on a Mac).'}
      </p>
      <div className="panel__actions">
        <button type="button" className="button button--ghost" onClick={onDone}>
          I have stored it
        </button>
      </div>
    </section>
  );
}
