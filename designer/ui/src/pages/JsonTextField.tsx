/** A JSON text field an operator fills in (an event's payload, a redrive's corrections), its problem shown at the
 * field, as the button it feeds waits for text that would be sent. Ids: `id`, and `${id}-problem` for the problem. */
export default function JsonTextField({ id, label, rows, placeholder, value, onChange, problem }: {
  id: string;
  label: string;
  rows: number;
  placeholder?: string;
  value: string;
  onChange: (text: string) => void;
  problem: string | null;
}) {
  const problemId = `${id}-problem`;
  return (
    <div className={`field${problem ? " field-invalid" : ""}`}>
      <label htmlFor={id}>{label}</label>
      <textarea
        id={id}
        className="mono"
        rows={rows}
        placeholder={placeholder}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        spellCheck={false}
        aria-invalid={problem ? true : undefined}
        aria-describedby={problem ? problemId : undefined}
        data-testid={id}
      />
      {problem && (
        <div className="field-problem" id={problemId} role="alert" data-testid={problemId}>
          {problem}
        </div>
      )}
    </div>
  );
}
