import { useEffect, useRef, useState } from 'react';

/**
 * A button for something that cannot simply be undone (disabling a user, revoking a key): the
 * first press asks, in place, and only "Yes" acts. Keyboard users land on "Cancel", the safe
 * choice; Escape also cancels.
 */
export function ConfirmButton({
  label,
  busyLabel,
  question,
  confirmLabel,
  onConfirm,
  busy = false,
  disabled = false,
}: {
  label: string;
  busyLabel: string;
  question: string;
  confirmLabel: string;
  onConfirm: () => void;
  busy?: boolean;
  disabled?: boolean;
}) {
  const [asking, setAsking] = useState(false);
  const cancelRef = useRef<HTMLButtonElement>(null);
  const triggerRef = useRef<HTMLButtonElement>(null);
  const askedBefore = useRef(false);

  useEffect(() => {
    // Focus follows the question: to Cancel when it opens, back to the button when it closes.
    if (asking) cancelRef.current?.focus();
    else if (askedBefore.current) triggerRef.current?.focus();
    askedBefore.current = asking;
  }, [asking]);

  if (!asking) {
    return (
      <button
        ref={triggerRef}
        type="button"
        className="button button--ghost button--small"
        onClick={() => setAsking(true)}
        disabled={disabled || busy}
      >
        {busy ? busyLabel : label}
      </button>
    );
  }
  return (
    <span
      className="confirm"
      role="group"
      aria-label={question}
      onKeyDown={(event) => {
        if (event.key === 'Escape') setAsking(false);
      }}
    >
      <span className="confirm__question">{question}</span>
      <button
        type="button"
        className="button button--danger button--small"
        onClick={() => {
          setAsking(false);
          onConfirm();
        }}
      >
        {confirmLabel}
      </button>
      <button
        ref={cancelRef}
        type="button"
        className="button button--ghost button--small"
        onClick={() => setAsking(false)}
      >
        Cancel
      </button>
    </span>
  );
}
