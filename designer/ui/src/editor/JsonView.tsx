// The workflow as JSON in a code editor (CodeMirror 6): line numbers, folding, bracket matching, completion
// and hover docs from the workflow's JSON Schema (schemaAssist.ts), and a lint gutter that marks JSON syntax
// errors, the schema's errors and the validation findings on the lines they are about. The
// text itself is kept by the designer (jsonDocument.ts), so unfinished text survives switching tabs; a
// canvas edit rewrites the text, a text edit that parses becomes the workflow.
import { json as jsonLanguage, jsonParseLinter } from "@codemirror/lang-json";
import { ensureSyntaxTree } from "@codemirror/language";
import { linter, lintGutter, type Diagnostic } from "@codemirror/lint";
import { Annotation, Compartment, EditorState } from "@codemirror/state";
import { EditorView } from "@codemirror/view";
import { basicSetup } from "codemirror";
import { useEffect, useRef, useState } from "react";
import { loadWorkflowSchema } from "../api/catalog";
import { firstRepeatedKey, REPEATED_KEY } from "../model/document";
import type { Finding } from "../model/findings";
import { findingMessage } from "../model/findingWords";
import type { JsonText } from "./jsonDocument";
import { pointerRange } from "./jsonPointers";
import { schemaCompletion, schemaDiagnostics, schemaHover, type JsonSchema } from "./schemaAssist";

export interface JsonViewProps {
  json: JsonText;
  editable: boolean;
  /** The validation findings of the workflow the text last parsed into. */
  findings: readonly Finding[];
  /** Put the cursor on what this pointer names (a problem no inspector field edits); a new nonce, again. */
  reveal?: { pointer: string; nonce: number } | null;
}

/** The editor's host element; `editorText()` reads the whole text (the editor draws only the lines in view). */
export type JsonEditorHost = HTMLDivElement & { editorText?: () => string };

const syntax = jsonParseLinter();
/** Marks the editor's own updates from the designer's text, so they are not echoed back as edits. */
const fromDesigner = Annotation.define<boolean>();

/**
 * JSON syntax errors, or (when the text parses) the schema's errors and the validation findings of the
 * workflow, on the lines they point at.
 */
function diagnosticsOf(findings: readonly Finding[], schema: JsonSchema | null) {
  return (view: EditorView): Diagnostic[] => {
    const parsed = syntax(view);
    if (parsed.length > 0) return parsed;
    const twice = firstRepeatedKey(view.state.doc.toString());
    if (twice) {
      const to = twice.offset + JSON.stringify(twice.key).length;
      return [{ from: twice.offset, to, severity: "error", message: REPEATED_KEY(twice.key), source: "json" }];
    }
    const fromSchema = schema ? schemaDiagnostics(view.state, schema, JSON.parse(view.state.doc.toString())) : [];
    return fromSchema.concat(findings.flatMap((f) => {
      const range = pointerRange(view.state, f.pointer);
      if (!range) return [];
      return [{ ...range, severity: f.severity === "error" ? "error" : "warning", message: `${f.code}: ${findingMessage(f)}`, source: "validation" } satisfies Diagnostic];
    }));
  };
}

export default function JsonView({ json, editable, findings, reveal }: JsonViewProps) {
  const host = useRef<JsonEditorHost>(null);
  const view = useRef<EditorView | null>(null);
  const latest = useRef({ json, findings });
  latest.current = { json, findings };
  const lint = useRef(new Compartment());
  const schema = useRef<JsonSchema | null>(null);

  useEffect(() => {
    // One source for the editor's life: the completion state tells sources apart by identity.
    const completion = [{ autocomplete: schemaCompletion(() => schema.current) }];
    const editor = new EditorView({
      parent: host.current!,
      state: EditorState.create({
        doc: latest.current.json.text,
        extensions: [
          basicSetup,
          jsonLanguage(),
          lintGutter(),
          lint.current.of(linter(diagnosticsOf(latest.current.findings, schema.current), { delay: 250 })),
          EditorState.languageData.of(() => completion),
          schemaHover(() => schema.current),
          EditorState.readOnly.of(!editable),
          EditorView.editable.of(editable),
          EditorView.contentAttributes.of({ "aria-label": "Workflow definition as JSON", "data-testid": "json-content" }),
          EditorView.updateListener.of((update) => {
            if (update.docChanged && !update.transactions.some((t) => t.annotation(fromDesigner))) {
              latest.current.json.edit(update.state.doc.toString());
            }
          }),
        ],
      }),
    });
    view.current = editor;
    host.current!.editorText = () => editor.state.doc.toString();
    return () => {
      editor.destroy();
      view.current = null;
    };
  }, [editable]);

  // The text changed elsewhere (a canvas edit, a discard): show it, keeping the cursor where it can stay.
  useEffect(() => {
    const editor = view.current;
    if (!editor || editor.state.doc.toString() === json.text) return;
    const cursor = Math.min(editor.state.selection.main.head, json.text.length);
    editor.dispatch({ changes: { from: 0, to: editor.state.doc.length, insert: json.text }, selection: { anchor: cursor }, annotations: fromDesigner.of(true) });
  }, [json.text]);

  // The schema, once: completion and hover read it when asked; the linter is made again with it.
  const [schemaLoaded, setSchemaLoaded] = useState(false);
  useEffect(() => {
    let live = true;
    loadWorkflowSchema().then(
      (loaded) => {
        schema.current = loaded;
        if (live) setSchemaLoaded(true);
      },
      () => undefined, // without the schema the editor still has syntax errors and the server's findings
    );
    return () => {
      live = false;
    };
  }, []);

  // New findings (or the schema arrived): a new lint source, which makes the editor lint again.
  useEffect(() => {
    view.current?.dispatch({ effects: lint.current.reconfigure(linter(diagnosticsOf(findings, schema.current), { delay: 250 })) });
  }, [findings, schemaLoaded]);

  useEffect(() => {
    const editor = view.current;
    if (editor) ensureSyntaxTree(editor.state, editor.state.doc.length, 200);
    const range = reveal && editor ? pointerRange(editor.state, reveal.pointer) : null;
    if (!editor || !range) return;
    editor.dispatch({ selection: { anchor: range.from, head: range.to }, scrollIntoView: true });
    editor.focus();
  }, [reveal?.nonce]);

  const problem = json.problem;
  const jumpToProblem = () => {
    const editor = view.current;
    if (!problem?.line || !editor) return;
    const line = editor.state.doc.line(Math.min(problem.line, editor.state.doc.lines));
    const at = Math.min(line.to, line.from + (problem.column ?? 1) - 1);
    editor.dispatch({ selection: { anchor: at, head: Math.min(line.to, at + 1) }, scrollIntoView: true });
    editor.focus();
  };

  return (
    <section className="json-view" aria-label="Workflow JSON" data-testid="json-view" data-schema={schemaLoaded ? "loaded" : "loading"}>
      {problem && (
        <div className="json-problem" role="alert" data-testid="json-error">
          <strong>The JSON is not valid yet</strong> — the diagram shows the last valid version.{" "}
          <span>
            {problem.message}
            {problem.line ? ` (line ${problem.line}, column ${problem.column})` : ""}
          </span>{" "}
          {problem.line && (
            <button type="button" className="link" onClick={jumpToProblem}>
              Go to the problem
            </button>
          )}
          {json.stale && (
            <>
              {" "}
              <span data-testid="json-stale">The diagram changed since.</span>{" "}
              <button type="button" className="link" data-testid="json-discard" onClick={json.discard}>
                Discard my text and show the diagram's JSON
              </button>
            </>
          )}
        </div>
      )}
      <div ref={host} className="json-editor" data-testid="json-text" data-readonly={editable ? "false" : "true"} />
    </section>
  );
}
