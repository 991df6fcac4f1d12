// A part of a page that failed to draw says so in its place, instead of taking the whole page down with it (React
// unmounts everything up to the nearest boundary, and with none the page went blank). It says what broke, that
// nothing saved is lost, and the way on that `children` (the words and buttons given) offers; it draws its part
// again when `resetKey` changes (the document edited, say in the JSON view) or on Try again.
import { Component, type CSSProperties, type ErrorInfo, type ReactNode } from "react";

export interface ErrorBoundaryProps {
  /** What failed, for the first words: "The diagram". */
  what: string;
  /** What else the person should know. */
  help: ReactNode;
  /** Buttons to go on (open the JSON view, reload), before Try again. */
  actions?: ReactNode;
  /** Drawn again (the error forgotten) when this changes. */
  resetKey?: unknown;
  testId: string;
  children: ReactNode;
}

/** A long error message (a web address) wraps inside the notice instead of running out of a narrow panel. */
const WRAPPED: CSSProperties = { overflowWrap: "anywhere", minWidth: 0 };

interface Caught {
  error: Error | null;
  /** The resetKey the error was caught under. */
  key: unknown;
}

export default class ErrorBoundary extends Component<ErrorBoundaryProps, Caught> {
  override state: Caught = { error: null, key: undefined };

  static getDerivedStateFromError(error: unknown): Partial<Caught> {
    return { error: error instanceof Error ? error : new Error(String(error)) };
  }

  static getDerivedStateFromProps(props: ErrorBoundaryProps, state: Caught): Partial<Caught> | null {
    if (state.error === null) return state.key === props.resetKey ? null : { key: props.resetKey };
    // Caught under this key just now (getDerivedStateFromError keeps the old key): remember it; a later change
    // of the key draws the part again.
    return state.key === props.resetKey ? null : { error: null, key: props.resetKey };
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    console.error(`${this.props.what} failed to draw:`, error, info.componentStack);
  }

  private readonly retry = () => this.setState({ error: null });

  override render(): ReactNode {
    const { error } = this.state;
    if (!error) return this.props.children;
    return (
      <div className="notice notice-error" role="alert" data-testid={this.props.testId} style={WRAPPED}>
        <div className="notice-body">
          <p>
            <strong>{this.props.what} could not be drawn.</strong> Nothing saved is lost.
          </p>
          <p>{this.props.help}</p>
          <details data-testid={`${this.props.testId}-details`}>
            <summary>What went wrong</summary>
            <code>{error.message || error.name}</code>
          </details>
          <p className="row wrap">
            {this.props.actions}
            <button type="button" onClick={this.retry} data-testid={`${this.props.testId}-retry`}>
              Try again
            </button>
          </p>
        </div>
      </div>
    );
  }
}
