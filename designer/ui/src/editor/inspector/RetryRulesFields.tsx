// A task's retry rules: an ordered list, each for some error kinds (none: every kind) with its own attempts,
// backoff and jitter. The first rule naming a failure's kind applies. A task still written with the single
// policy object is shown as its one rule and saved as the list once edited.
import { CheckboxInput, NameListInput, NumberInput, SelectInput } from "../../components/fields/inputs";
import { messagesAt, pointerOf, type Finding } from "../../model/findings";
import { retryRulesOf, type RetryRule, type State } from "../../model/workflow";

export interface RetryRulesProps {
  stateId: string;
  state: State;
  findings: readonly Finding[];
  disabled: boolean;
  onChange: (rules: RetryRule[] | null) => void;
}

const NEW_RULE: RetryRule = { errors: ["timeout"], max_attempts: 3, backoff: "exponential", initial_interval_s: 1 };
const BACKOFFS = [{ value: "exponential", label: "exponential" }, { value: "fixed", label: "fixed" }] as const;

export default function RetryRulesFields({ stateId, state, findings, disabled, onChange }: RetryRulesProps) {
  const rules = retryRulesOf(state.retry);
  const at = (...tokens: (string | number)[]) => messagesAt(findings, pointerOf("states", stateId, "retry", ...tokens), true);
  const ofRule = (index: number) => messagesAt(findings, pointerOf("states", stateId, "retry", index));
  const replace = (index: number, patch: Partial<RetryRule>) => onChange(rules.map((r, i) => (i === index ? { ...r, ...patch } : r)));
  const remove = (index: number) => onChange(rules.length > 1 ? rules.filter((_, i) => i !== index) : null);
  const moveUp = (index: number) => onChange(rules.map((r, i) => (i === index - 1 ? rules[index]! : i === index ? rules[index - 1]! : r)));
  return (
    <>
      <CheckboxInput label="Retry when the action fails" testId="field-retry-enabled" checked={rules.length > 0} disabled={disabled} onChange={(on) => onChange(on ? [{ ...NEW_RULE, errors: [] }] : null)} />
      {rules.length > 0 && <p className="field-hint">The first rule naming a failure's kind decides; a kind no rule names is not retried.</p>}
      {rules.map((rule, i) => (
        <fieldset key={i} className="field-group retry-rule" data-testid={`retry-rule-${i}`}>
          <legend>Rule {i + 1}</legend>
          {ofRule(i).map((message) => (
            <div key={message} className="field-problem" role="alert" data-testid={`retry-rule-${i}-problem`}>{message}</div>
          ))}
          <NameListInput label="On error kinds" testId={`field-retry-${i}-errors`} value={rule.errors} disabled={disabled} problems={at(i, "errors")} hint="e.g. timeout, rate_limited; empty (or *) is every kind." onChange={(v) => replace(i, { errors: v })} />
          <NumberInput label="Attempts in all" testId={`field-retry-${i}-max_attempts`} integer value={rule.max_attempts} disabled={disabled} problems={at(i, "max_attempts")} onChange={(v) => replace(i, { max_attempts: v ?? undefined })} />
          <SelectInput label="Backoff" testId={`field-retry-${i}-backoff`} value={rule.backoff ?? "exponential"} disabled={disabled} options={BACKOFFS} onChange={(v) => replace(i, { backoff: v ?? undefined })} />
          <NumberInput label="First wait (s)" testId={`field-retry-${i}-initial_interval_s`} value={rule.initial_interval_s} disabled={disabled} problems={at(i, "initial_interval_s")} onChange={(v) => replace(i, { initial_interval_s: v ?? undefined })} />
          <NumberInput label="Longest wait (s)" testId={`field-retry-${i}-max_interval_s`} value={rule.max_interval_s} disabled={disabled} problems={at(i, "max_interval_s")} onChange={(v) => replace(i, { max_interval_s: v ?? undefined })} />
          <NumberInput label="Multiplier" testId={`field-retry-${i}-multiplier`} value={rule.multiplier} disabled={disabled} problems={at(i, "multiplier")} onChange={(v) => replace(i, { multiplier: v ?? undefined })} />
          <CheckboxInput label="Jitter (spread retries)" testId={`field-retry-${i}-jitter`} checked={rule.jitter ?? true} disabled={disabled} onChange={(v) => replace(i, { jitter: v })} />
          <div className="rule-actions">
            <button type="button" disabled={disabled || i === 0} data-testid={`retry-up-${i}`} onClick={() => moveUp(i)}>Move up</button>
            <button type="button" disabled={disabled} data-testid={`retry-remove-${i}`} onClick={() => remove(i)}>Remove rule</button>
          </div>
        </fieldset>
      ))}
      {rules.length > 0 && (
        <button type="button" disabled={disabled} data-testid="retry-add-rule" onClick={() => onChange([...rules, { ...NEW_RULE, errors: [] }])}>
          Add a retry rule
        </button>
      )}
    </>
  );
}
