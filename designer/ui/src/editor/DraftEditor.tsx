// The designer for one draft: palette, canvas (or JSON), inspector or simulator, problems, and the
// commands that save, publish, lay out and export it. The canvas, palette and inspector edit one machine:
// the workflow, or a parallel state's branch opened from the inspector (the scope); every edit of it is
// written back into the one document that is saved.
import { ReactFlowProvider, useReactFlow } from "@xyflow/react";
import { useCallback, useEffect, useMemo, useReducer, useRef, useState } from "react";
import { createDraftFromContent, getDraft, updateDraft } from "../api/definitions";
import { refreshCatalog } from "../api/catalog";
import { ApiError } from "../api/http";
import { draftPaths, playPath } from "../api/checks";
import type { Draft, PathReport, SimulationResult, VersionDetail } from "../api/types";
import { navigate } from "../app/router";
import ErrorBoundary from "../components/ErrorBoundary";
import Notice from "../components/Notice";
import Toast from "../components/Toast";
import { UnappliedTextContext, type ReportUnapplied, type UnappliedText } from "../components/fields/unappliedText";
import { copyFragment, parseFragment, pasteFragment, type Fragment } from "../model/clipboard";
import { asWorkflow, sameJson } from "../model/document";
import { addState, addTransition, moveStates, removeElements, renameStateIn, setLayout } from "../model/edits";
import { findingIn, findingsIn, locate, type Finding } from "../model/findings";
import { findingMessage } from "../model/findingWords";
import { elementAt, elementFieldOf, fieldOf, placeInWorkflow } from "../model/findingPlaces";
import { revealField } from "./focusField";
import { describeScope, ITERATOR, machineAt, sameScope, scopeOfPointer, scopePointer, withMachineAt, type Scope } from "../model/scope";
import type { Position, StateType, Workflow } from "../model/workflow";
import { EMPTY_QUERY, type SearchQuery } from "./canvas/CanvasBar";
import FlowCanvas, { type RevealRequest } from "./canvas/FlowCanvas";
import { editorReducer, initialEditorState } from "./history";
import { useEditorMarks } from "./editorMarks";
import DesignerToolbar from "./DesignerToolbar";
import FindingsPanel from "./FindingsPanel";
import PublishDialog from "./PublishDialog";
import SaveConflict, { SavedElsewhere } from "./SaveConflict";
import { useDraftWatch } from "./useDraftWatch";
import DraftGone, { fateOf, type DraftFate } from "./DraftGone";
import { changesMissingFrom } from "../model/changes";
import { mergeDrafts } from "../model/draftMerge";
import Inspector from "./inspector/Inspector";
import type { InspectorContext } from "./inspector/types";
import JsonView from "./JsonView";
import { useJsonText } from "./jsonDocument";
import Legend from "./Legend";
import Palette from "./Palette";
import { isEmpty, NOTHING, type Selection } from "./selection";
import SimulatorPanel, { type StepFailure } from "./SimulatorPanel";
import PathsPanel from "./PathsPanel";
import { pathsReadiness, remainingWords } from "./pathsReadiness";
import { selectedPathMarks, type PathColour } from "./pathHeat";
import type { Playing } from "./pathPlayback";
import { lookOf } from "./stateStyle";
import { freeSpot } from "./freeSpot";
import { pasteShift } from "./pastePlace";
import { stateBox } from "./stateBox";
import { layeredLayout } from "./layeredLayout";
import { useShortcuts } from "./useShortcuts";
import { useUnsavedWarning } from "./useUnsavedWarning";
import { useValidation } from "./useValidation";
import ScopeBreadcrumb from "./ScopeBreadcrumb";
import { layOutFlow } from "./autoLayout";
import { layoutDirection, shownDirection } from "./layoutDirection";
import type { Drawing } from "./canvas/drawing";
import { LOOKS } from "./stateStyle";
import { deletionWords } from "./deletionNotice";
import { renameWords } from "./renameNotice";
import UndoNotice from "./UndoNotice";
import { requestReadableFit } from "./canvas/readableFit";
import { useSuggestedLayout } from "./useSuggestedLayout";
import { firstUnappliedEdit } from "./unappliedEdits";

const FOLLOW_EDITS = { follow: "edits" } as const;

/** Past the diagram's states with one key: the search bar's link to the side panel (the inspector). */
const SKIP_TO_SIDE_PANEL = { targetId: "designer-side-panel", label: "Skip to the inspector" };
const SIDE_PANEL = `#${SKIP_TO_SIDE_PANEL.targetId}`;

/** How often, and how many times, a field gone to is looked for again when it was drawn anew. */
const REVEAL_CHECK_MS = 200;
const REVEAL_CHECKS = 10;

/** Where a finding takes the person: the field (inside the element matching `inside`, by its data-testid) and
 * the pointer within its value; `orJson`: without such a field, the JSON view at `pointer`. */
type FieldFocus = { pointer: string; nonce: number; field: { inside: string; testId: string; within: string } | null; orJson: boolean };

export interface DraftEditorProps {
  draft: Draft;
  workflow: Workflow;
  canEdit: boolean;
  canPublish: boolean;
}

type CenterView = "diagram" | "json";
type SidePanel = "inspect" | "simulate" | "paths";
type Message = {
  kind: "error" | "ok" | "info";
  text: string;
  findings?: Finding[];
  /** Shown only while the machine at this scope has no start state: the notice that its start was deleted,
   * hidden once Undo (or a later edit) gives it one again, shown again on Redo. */
  whileNoStartAt?: Scope;
  /** A Save refused for text not applied yet: gone once there is none. */
  whileUnapplied?: boolean;
  /** What a deletion took with it (transitions into the states deleted), with Undo: shown while the document is
   * the one the deletion made — hidden by Undo, shown again by Redo, gone after another edit. */
  deletion?: { text: string; document: Workflow };
  /** What a rename changed in expressions (renameNotice.ts), with Undo: shown while the document is the one the
   * rename made, as a deletion's notice is. */
  renamed?: { text: string; document: Workflow };
  /** This tab's changes combined with a version saved elsewhere, with Undo: shown while the document is the
   * combined one, as a deletion's notice is. */
  combined?: { text: string; document: Workflow };
  /** A word on the revision saved or shown here ("Draft saved (revision 4)."): gone once the draft is found
   * saved elsewhere, when it is no longer true. */
  ofRevision?: true;
  /** A word that something went well (saved, copied, pasted): a toast in the row of the Diagram and JSON tabs, so
   * it takes no height from the canvas and covers none of it, gone by itself after a few seconds (Toast.tsx). */
  toast?: true;
};

/** Up to this many of their changes are named in the notice that they were combined with this tab's. */
const COMBINED_NAMED = 3;

/** Whether the notice is true of the document as it is now. */
function stillTrue(message: Message, root: Workflow): boolean {
  const edit = message.deletion ?? message.renamed ?? message.combined;
  if (edit && root === edit.document) return true;
  if (!message.whileNoStartAt) return !edit;
  const machine = machineAt(root, message.whileNoStartAt);
  return machine !== null && !machine.initial;
}

/** Our own clipboard, shared by every editor in the page (the system clipboard is used as well). */
let clipboard: Fragment | null = null;

export default function DraftEditor(props: DraftEditorProps) {
  return (
    <ReactFlowProvider>
      <Workspace {...props} />
    </ReactFlowProvider>
  );
}

function Workspace({ draft, workflow: initial, canEdit, canPublish }: DraftEditorProps) {
  const [state, dispatch] = useReducer(editorReducer, initial, initialEditorState);
  const root = state.present;
  const scope = state.scope;
  /** The machine on the canvas: the workflow itself, or the branch the scope names. */
  const workflow = useMemo(() => machineAt(root, scope)!, [root, scope]);
  const selection = state.selection;
  const validation = useValidation(root);
  const findings = useMemo(() => findingsIn(validation.findings, scope), [validation.findings, scope]);
  const [saved, setSaved] = useState<Workflow>(initial);
  const revision = useRef(draft.revision);
  /** When the draft was last saved, as this tab knows it (loaded, saved here, or taken from elsewhere). */
  const savedAt = useRef(draft.updated_at);
  /** The draft found gone meanwhile (published or deleted): saving it is over; what became of it. */
  const [gone, setGone] = useState<DraftFate | null>(null);
  const [view, setView] = useState<CenterView>("diagram");
  const [panel, setPanel] = useState<SidePanel>("inspect");
  const [reveal, setReveal] = useState<RevealRequest | null>(null);
  const [simulation, setSimulation] = useState<SimulationResult | null>(null);
  const [message, setMessage] = useState<Message | null>(null);
  /** Each word that something went well is a toast of its own, shown its full time (the same words again too). */
  const toasts = useRef(0);
  const toastKey = useMemo(() => (message?.toast ? (toasts.current += 1) : 0), [message]);
  /** The draft as saved meanwhile by someone else (or another tab), when Save found it changed under us. */
  const [conflict, setConflict] = useState<Draft | null>(null);
  /** The conflict was asked for (to save over a version saved elsewhere), not met by a Save. */
  const [conflictAsked, setConflictAsked] = useState(false);
  /** The draft as saved meanwhile elsewhere, found without a Save (useDraftWatch). */
  const [elsewhere, setElsewhere] = useState<Draft | null>(null);
  /** The version this tab's own changes are made from: as opened, or as taken from elsewhere (not as saved here). */
  const foreignBase = useRef<Workflow>(initial);
  /** A Save of this editor is under way: the revision it makes is not news from elsewhere. */
  const saving = useRef(false);
  const [busy, setBusy] = useState<string | null>(null);
  const [publishing, setPublishing] = useState(false);
  const publishingNow = useRef(false);
  publishingNow.current = publishing;
  const flow = useReactFlow();
  const commitDocument = useCallback(
    (next: Workflow, coalesce?: string, select?: Selection) => {
      if (!canEdit) return;
      dispatch({ type: "commit", workflow: next, coalesce, selection: select, at: Date.now() });
      // An edit that gives the flow its start again settles the notice for good (Undo only hides it).
      setMessage((m) => (m && !stillTrue(m, next) ? null : m));
    },
    [canEdit],
  );
  // Text that parses to the same workflow (a space, an undone typo) is not a change worth an undo step.
  const onJson = useCallback(
    (next: Workflow) => {
      if (JSON.stringify(next) !== JSON.stringify(root)) commitDocument(next, "json");
    },
    [commitDocument, root],
  );
  // Kept here, not in the JSON tab, so text that does not parse yet survives a look at the diagram.
  const jsonText = useJsonText(root, onJson);
  /** The inspector's fields holding text that is not applied yet (JSON that does not parse), by field. */
  const [unappliedFields, setUnappliedFields] = useState<Record<string, UnappliedText>>({});
  const reportUnapplied = useCallback<ReportUnapplied>((key, text) => {
    setUnappliedFields(({ [key]: _gone, ...others }) => (text ? { ...others, [key]: text } : others));
  }, []);
  const unapplied = useMemo(() => firstUnappliedEdit(jsonText.problem, unappliedFields), [jsonText.problem, unappliedFields]);
  // Unsaved: different from what was saved last, in content (an edit undone by hand, a state moved and moved
  // back, is no change), or text typed that is not applied yet.
  const changed = useMemo(() => !sameJson(root, saved), [root, saved]);
  const dirty = changed || unapplied !== null;
  useUnsavedWarning(dirty && canEdit);
  useEffect(() => {
    if (!unapplied) setMessage((m) => (m?.whileUnapplied ? null : m));
  }, [unapplied]);
  // The document as it is edited: laid out again when a state is left without a place (a flow pasted whole
  // into the JSON view), not for each edit; so is the branch open on the canvas.
  const suggestedForRoot = useSuggestedLayout(root, FOLLOW_EDITS);
  const suggestedForBranch = useSuggestedLayout(scope.length > 0 ? workflow : null, FOLLOW_EDITS);
  const suggested = scope.length > 0 ? suggestedForBranch : suggestedForRoot;
  // The simulation runs the workflow: its path is drawn on the workflow's canvas only.
  const editorMarks = useEditorMarks(workflow, findings, panel === "simulate" && scope.length === 0 ? simulation : null);
  // A path selected in the Paths panel runs through the workflow: drawn on the workflow's canvas only.
  const [path, setPath] = useState<PathReport | null>(null);
  const [colour, setColour] = useState<PathColour>("time");
  const marks = useMemo(
    () => (panel === "paths" && scope.length === 0 && path ? selectedPathMarks(path, colour) : editorMarks),
    [panel, scope, path, colour, editorMarks],
  );
  const loadPaths = useCallback(() => draftPaths(root), [root]);
  // A path played in the simulator: its script, asked of the server for the workflow as it is now.
  const [playing, setPlaying] = useState<Playing | null>(null);
  const play = useCallback(
    async (chosen: PathReport) => {
      try {
        setPlaying({ script: await playPath({ definition: root }, chosen), number: chosen.number });
        setPanel("simulate");
      } catch (e) {
        setMessage({ kind: "error", text: `Path #${chosen.number} cannot be played: ${e instanceof Error ? e.message : String(e)}` });
      }
    },
    [root],
  );
  const stopPlaying = useCallback(() => setPlaying(null), []);

  /** Record an edit of the machine on the canvas, written back into the document. */
  const commit = useCallback(
    (next: Workflow, coalesce?: string, select?: Selection) =>
      commitDocument(next === workflow ? root : withMachineAt(root, scope, next), coalesce, select),
    [commitDocument, workflow, root, scope],
  );
  const open = useCallback((next: Scope, select: Selection = NOTHING) => {
    dispatch({ type: "open", scope: next, selection: select });
    setPanel("inspect");
    setView("diagram");
  }, []);
  const openBranch = useCallback((stateId: string, index: number) => open([...scope, { state: stateId, branch: index }]), [open, scope]);
  const select = useCallback((next: Selection) => {
    dispatch({ type: "select", selection: next });
    setPanel("inspect");
  }, []);

  const placeOf = useCallback((finding: Finding) => describeScope(root, scopeOfPointer(finding.pointer)), [root]);
  const whereOf = useCallback((finding: Finding) => placeInWorkflow(finding.pointer, root), [root]);
  /** The field a finding (or a simulated failure) is about, to go to once the inspector shows it: one of the
   * workflow's (then, when the inspector has none, the JSON at the pointer), or one of the state or transition
   * selected (then, when the inspector has none, the element stays shown from its top). */
  const [fieldFocus, setFieldFocus] = useState<FieldFocus | null>(null);
  /** Open the machine at `at`, select the given elements in it and frame them (with `framed`, those). */
  const revealAt = useCallback(
    (at: Scope, selected: Selection, framed: Selection = selected) => {
      open(at, selected);
      setReveal((r) => ({ states: [...framed.states], transitions: [...framed.transitions], nonce: (r?.nonce ?? 0) + 1 }));
    },
    [open],
  );
  /** A finding gone to that is about more elements than the one selected for it (the transition at fault and the
   * state it leaves): its others are shown on the canvas beside the selection, not selected, for as long as the
   * selection is the one it made and the finding is still there. */
  const [goneTo, setGoneTo] = useState<{ finding: Finding; scope: Scope; selection: Selection } | null>(null);
  const involved = useMemo((): Selection => {
    if (!goneTo || goneTo.selection !== selection || !sameScope(goneTo.scope, scope)) return NOTHING;
    const still = findings.find((f) => f.code === goneTo.finding.code && f.pointer === goneTo.finding.pointer);
    if (!still) return NOTHING;
    const { states, transitions } = locate(still);
    return { states: states.filter((id) => !selection.states.includes(id)), transitions: transitions.filter((i) => !selection.transitions.includes(i)) };
  }, [goneTo, selection, scope, findings]);
  /** Show what a finding is about: open the machine it is in, select the element at fault (of a finding about
   * several, the one its pointer is inside; the others shown beside it), frame them all, and go to the inspector's
   * field its pointer names. */
  const revealFinding = useCallback(
    (finding: Finding) => {
      const at = scopeOfPointer(finding.pointer);
      const inner = findingIn(finding, at)!;
      const { states, transitions } = locate(inner);
      if (states.length === 0 && transitions.length === 0) {
        setGoneTo(null);
        open(at);
        const field = fieldOf(finding.pointer);
        setFieldFocus((f) => ({ pointer: finding.pointer, nonce: (f?.nonce ?? 0) + 1, field: field && { inside: SIDE_PANEL, ...field }, orJson: true }));
        return;
      }
      // About several elements (a transition and the state it leaves): the one the pointer is inside is selected,
      // so the inspector can open at its field; the others are shown beside it.
      const inside = elementAt(inner.pointer);
      const own = inside && ("state" in inside ? states.includes(inside.state) : transitions.includes(inside.transition)) ? inside : null;
      const several = states.length + transitions.length > 1;
      const chosen: Selection = several && own ? ("state" in own ? { states: [own.state], transitions: [] } : { states: [], transitions: [own.transition] }) : { states, transitions };
      revealAt(at, chosen, { states, transitions });
      setGoneTo(several && own ? { finding: inner, scope: at, selection: chosen } : null);
      // A field of the one element selected: the finding's pointer is inside it.
      const machine = machineAt(root, at);
      const field = machine && chosen.states.length + chosen.transitions.length === 1 ? elementFieldOf(inner.pointer, machine, inner.code) : null;
      const selected = field !== null && (field.state !== undefined ? chosen.states[0] === field.state : chosen.transitions[0] === field.transition);
      setFieldFocus((f) => ({ pointer: finding.pointer, nonce: (f?.nonce ?? 0) + 1, field: field && selected ? { inside: `${SIDE_PANEL} [data-testid="${field.inspector}"]`, testId: field.testId, within: field.within } : null, orJson: false }));
    },
    [revealAt, open, root],
  );
  /** Show where a simulated step failed (or an event was refused) as a finding at its pointer is shown; the
   * simulator gives way to the inspector, so the keyboard goes on from there (at the field, when there is one). */
  const revealFailure = useCallback(
    (failure: StepFailure) => {
      document.getElementById(SKIP_TO_SIDE_PANEL.targetId)?.focus({ preventScroll: true });
      revealFinding({ code: failure.kind, severity: "error", message: failure.summary, pointer: failure.pointer ?? "", states: [], transitions: [] });
    },
    [revealFinding],
  );
  // Once the inspector shows the element (or the workflow), go to the field the finding is about, or else the JSON
  // at it (a finding about the workflow).
  const [jsonReveal, setJsonReveal] = useState<{ pointer: string; nonce: number } | null>(null);
  useEffect(() => {
    if (!fieldFocus) return;
    const field = fieldFocus.field;
    const find = () => (field ? document.querySelector<HTMLElement>(`${field.inside} [data-testid="${field.testId}"]`) : null);
    const element = find();
    if (field && element) {
      let shown = revealField(element, field.within);
      // A field drawn anew just after (the list of actions arriving turns the action's text box into a list):
      // go to the new one, unless the person has gone elsewhere meanwhile.
      let checks = 0;
      const timer = window.setInterval(() => {
        checks += 1;
        const idle = !document.activeElement || document.activeElement === document.body;
        if (!shown.isConnected && idle) {
          const again = find();
          if (again) shown = revealField(again, field.within);
        }
        if (checks >= REVEAL_CHECKS) window.clearInterval(timer);
      }, REVEAL_CHECK_MS);
      return () => window.clearInterval(timer);
    }
    if (fieldFocus.orJson) {
      setView("json");
      setJsonReveal({ pointer: fieldFocus.pointer, nonce: fieldFocus.nonce });
    }
  }, [fieldFocus]);
  /** The canvas' search found a state in another machine (a branch, an iterator, the top level). */
  const revealState = useCallback((at: Scope, stateId: string) => revealAt(at, { states: [stateId], transitions: [] }), [revealAt]);
  /** "Find a state": kept here, as a jump into a branch or an iterator draws a new canvas. */
  const [search, setSearch] = useState<SearchQuery>(EMPTY_QUERY);
  const everywhere = useMemo(() => ({ root, scope }), [root, scope]);

  /** After a state is added off screen (or under the search bar), fit the view keeping it in sight. */
  const keepInView = useCallback((id: string) => window.setTimeout(() => requestReadableFit(id), 0), []);

  const canvasCenter = useCallback((): Position => {
    const box = document.querySelector('[data-testid="canvas"] .flow-area')?.getBoundingClientRect();
    if (!box) return { x: 0, y: 0 };
    return flow.screenToFlowPosition({ x: box.left + box.width / 2, y: box.top + box.height / 2 });
  }, [flow]);

  /** The canvas' drawing as it is drawn (FlowCanvas gives it): a new state is placed clear of it. */
  const drawing = useRef<Drawing | null>(null);
  /** A state just added from the palette: its Id field takes the focus, its id selected, to name it at once; and
   * a state renamed from that field keeps it there (the inspector draws the field anew for the new id). */
  const [naming, setNaming] = useState<{ id: string; nonce: number; select: boolean } | null>(null);
  useEffect(() => {
    if (!naming) return;
    const field = document.querySelector<HTMLInputElement>(`${SIDE_PANEL} [data-testid="state-inspector"] [data-testid="field-id"]`);
    if (!field || field.value !== naming.id || document.activeElement === field) return;
    field.scrollIntoView({ block: "nearest" });
    field.focus({ preventScroll: true });
    if (naming.select) field.select();
  }, [naming]);

  const add = useCallback(
    (type: StateType, at?: Position) => {
      const look = LOOKS[lookOf({ type })];
      const after = followed(workflow, selection);
      const drawn = drawing.current;
      const position =
        at ?? (drawn ? freeSpot(drawn, look, { after: after ? drawn.boxes.get(after) : null, centre: canvasCenter() }) : canvasCenter());
      const [next, id] = addState(workflow, type, position);
      commit(next, undefined, { states: [id], transitions: [] });
      setPanel("inspect");
      setNaming((n) => ({ id, nonce: (n?.nonce ?? 0) + 1, select: true }));
      if (!at) keepInView(id);
    },
    [workflow, selection, commit, canvasCenter, keepInView],
  );

  const save = useCallback(
    async (over?: Draft): Promise<boolean> => {
      if (!canEdit || gone) return false;
      // Saving the workflow without the text typed would say it is saved while that text is lost.
      if (unapplied) {
        setMessage({ kind: "error", text: `Nothing was saved. ${unapplied.reason}`, whileUnapplied: true });
        if (unapplied.where === "json") setView("json");
        else setPanel("inspect");
        return false;
      }
      if (!over && !changed) {
        setMessage({ kind: "info", text: `Nothing to save: no changes since revision ${revision.current}.`, ofRevision: true, toast: true });
        return true;
      }
      setBusy("save");
      saving.current = true;
      try {
        const answer = await updateDraft(draft.id, root as Record<string, unknown>, over?.revision ?? revision.current);
        revision.current = answer.revision;
        savedAt.current = answer.updated_at;
        setSaved(root);
        setConflict(null);
        setElsewhere(null);
        setMessage({
          kind: "ok",
          text: over ? `Draft saved over ${over.updated_by}'s revision ${over.revision} (now revision ${answer.revision}).` : `Draft saved (revision ${answer.revision}).`,
          ofRevision: true,
          toast: true,
        });
        return true;
      } catch (e) {
        if (e instanceof ApiError && e.slug === "concurrency-conflict") {
          const theirs = await getDraft(draft.id).catch(() => null);
          if (theirs) {
            setMessage(null);
            setElsewhere(null);
            setConflictAsked(false);
            setConflict(theirs);
            return false;
          }
        }
        setMessage({ kind: "error", text: `The draft was not saved: ${e instanceof Error ? e.message : String(e)}` });
        return false;
      } finally {
        saving.current = false;
        setBusy(null);
      }
    },
    [canEdit, gone, unapplied, changed, draft.id, root],
  );
  /** Replace this version with the one saved meanwhile, as an edit: Undo brings this one back. */
  const takeTheirs = useCallback(
    (theirs: Draft) => {
      const parsed = asWorkflow(theirs.content);
      if (!parsed.ok) {
        setMessage({ kind: "error", text: `The saved version cannot be drawn: ${parsed.message}` });
        return;
      }
      // Read-only, there is nothing of this person's to undo back to: the saved version is simply shown.
      if (canEdit) commitDocument(parsed.workflow);
      else dispatch({ type: "reset", workflow: parsed.workflow });
      setSaved(parsed.workflow);
      foreignBase.current = parsed.workflow;
      revision.current = theirs.revision;
      savedAt.current = theirs.updated_at;
      setConflict(null);
      setElsewhere(null);
      setMessage({ kind: "info", text: `Showing ${theirs.updated_by}'s revision ${theirs.revision}.${canEdit ? " Undo (Ctrl+Z) brings your version back." : ""}`, ofRevision: true });
    },
    [commitDocument, canEdit],
  );
  /** This tab's changes combined with a version saved elsewhere (model/draftMerge.ts): from the version saved or
   * loaded here, which both were made from; null when this tab has no changes of its own to combine. */
  const combining = useCallback(
    (theirs: Draft | null) => {
      const parsed = theirs && asWorkflow(theirs.content);
      return parsed?.ok && canEdit && changed ? { theirs: parsed.workflow, ...mergeDrafts(saved, root, parsed.workflow) } : null;
    },
    [canEdit, changed, saved, root],
  );
  const combiningElsewhere = useMemo(() => combining(elsewhere), [combining, elsewhere]);
  const combiningConflict = useMemo(() => combining(conflict), [combining, conflict]);
  /** Combine both, as an edit Undo takes back, and left unsaved: the person sees the two together (and the
   * Problems panel what they make together) before saving; nothing is written over anyone's revision unseen.
   * Made from their revision, it saves against it. */
  const combine = useCallback(
    (draftSaved: Draft) => {
      const both = combining(draftSaved);
      if (!both?.merged) return;
      const brought = changesMissingFrom(saved, both.theirs, root);
      const named = brought.slice(0, COMBINED_NAMED).join("; ") + (brought.length > COMBINED_NAMED ? `; and ${brought.length - COMBINED_NAMED} more` : "");
      commitDocument(both.merged);
      setSaved(both.theirs);
      foreignBase.current = both.theirs;
      revision.current = draftSaved.revision;
      setConflict(null);
      setElsewhere(null);
      const text = `Combined your changes with ${draftSaved.updated_by}'s revision ${draftSaved.revision}${named ? ` (${named})` : ""}. Not saved yet: Save draft saves both.`;
      setMessage({ kind: "info", text: "", combined: { text, document: both.merged } });
    },
    [combining, saved, root, commitDocument],
  );

  // Saved elsewhere meanwhile: said at once (a version with the same content as saved here only moves the revision).
  const lookAgain = useDraftWatch(
    draft.id,
    () => revision.current,
    () => saving.current,
    (theirs) => {
      const parsed = asWorkflow(theirs.content);
      if (parsed.ok && sameJson(parsed.workflow, saved)) revision.current = theirs.revision;
      else {
        setElsewhere(theirs);
        setMessage((m) => (m?.ofRevision ? null : m)); // "Draft saved (revision 4)." is not true any more
      }
    },
    () => {
      // Published from this tab (the publish dialog, then its offer to migrate, is open): no news.
      if (publishingNow.current) return false;
      // Published or deleted meanwhile: said at once, with the ways to keep what this tab shows.
      const said = (fate: DraftFate) => {
        setGone(fate);
        setElsewhere(null);
        setConflict(null);
        setPublishing(false);
        setMessage((m) => (m?.ofRevision ? null : m));
      };
      fateOf(draft, root.id || draft.workflow_id, savedAt.current).then(said, () => said({ published: null, latest: null, workflowId: root.id || draft.workflow_id }));
      return true;
    },
  );
  /** Keep this tab's work when its draft is gone: a new draft of what it shows, on the latest published version. */
  const saveAsNewDraft = useCallback(async () => {
    if (!gone) return;
    setBusy("save");
    try {
      const created = await createDraftFromContent(root as Record<string, unknown>, gone.latest);
      setSaved(root);
      navigate(`/drafts/${encodeURIComponent(created.id)}`, { force: true });
    } catch (e) {
      setMessage({ kind: "error", text: `The new draft was not saved: ${e instanceof Error ? e.message : String(e)}` });
    } finally {
      setBusy(null);
    }
  }, [gone, root]);
  const openLatest = useCallback(() => {
    if (gone?.workflowId && gone.latest !== null) navigate(`/definitions/${encodeURIComponent(gone.workflowId)}`, { force: true });
    else navigate("/definitions", { force: true });
  }, [gone]);
  /** What of their version saving this one over it would undo: their changes since the version saved here. */
  const dropped = useMemo(() => {
    const theirs = conflict && asWorkflow(conflict.content);
    return theirs?.ok ? changesMissingFrom(saved, theirs.workflow, root) : [];
  }, [conflict, saved, root]);
  /** What this tab saved that the version saved elsewhere does not have. */
  const replaced = useMemo(() => {
    const theirs = elsewhere && asWorkflow(elsewhere.content);
    return theirs?.ok ? changesMissingFrom(foreignBase.current, saved, theirs.workflow) : [];
  }, [elsewhere, saved]);

  /** Save what is unsaved, then show what publishing would change (PublishDialog) before anything happens. */
  const publish = useCallback(async () => {
    if (gone || (dirty && !(await save()))) return;
    setPublishing(true);
  }, [gone, dirty, save]);
  const published = useCallback(
    (version: VersionDetail) => {
      setSaved(root);
      refreshCatalog();
      navigate(`/definitions/${encodeURIComponent(version.workflow_id)}?published=${version.version}`, { force: true });
    },
    [root],
  );

  const autoLayout = useCallback(async () => {
    setBusy("layout");
    try {
      // In the direction it is drawn in (the bar shows it), which is the preference unless its places say otherwise.
      commit(setLayout(workflow, (await layOutFlow(workflow, shownDirection(workflow, layoutDirection()))).positions));
    } catch (e) {
      // The layout worker could not run: arrange it here.
      commit(setLayout(workflow, layeredLayout(workflow)));
      const why = e instanceof Error ? e.message : String(e);
      setMessage({ kind: "info", text: `Arranged in layers by distance from the start: the layered layout is not available here (${why}).` });
    } finally {
      setBusy(null);
      window.setTimeout(() => requestReadableFit(), 50);
    }
  }, [workflow, commit]);

  const removeSelected = useCallback(() => {
    if (isEmpty(selection) || !canEdit) return;
    const next = withMachineAt(root, scope, removeElements(workflow, selection.states, selection.transitions));
    commitDocument(next, undefined, NOTHING);
    const start = workflow.initial ?? "";
    const tookWith = deletionWords(workflow, selection.states, selection.transitions);
    const deletion = tookWith ? { text: tookWith, document: next } : undefined;
    if (start && selection.states.includes(start)) {
      setMessage({
        kind: "info",
        text: `You deleted “${workflow.states[start]?.title || start}”, the start state: the workflow now has no start state and cannot be published until you choose one under “Initial state” (with nothing selected), or undo (Ctrl+Z).`,
        whileNoStartAt: scope,
        deletion,
      });
    } else if (deletion) {
      setMessage({ kind: "info", text: "", deletion });
    }
  }, [root, workflow, selection, canEdit, commitDocument, scope]);

  const pasteGiven = useCallback(
    (fragment: Fragment) => {
      // Shifted as one to the nearest free space beside where it was copied from (pastePlace.ts).
      const drawn = drawing.current;
      const boxes = Object.entries(fragment.states).map(([id, s]) => {
        const { width, height } = stateBox(s, id);
        return { ...(fragment.layout[id] ?? { x: 0, y: 0 }), width, height };
      });
      const [next, ids] = pasteFragment(workflow, fragment, pasteShift(boxes, drawn ? drawn.boxes.values() : []));
      commit(next, undefined, { states: ids, transitions: [] });
      setMessage({ kind: "info", text: `Pasted ${ids.length === 1 ? "1 state" : `${ids.length} states`}.`, toast: true });
      keepInView(ids[0]!);
    },
    [workflow, commit, keepInView],
  );

  useShortcuts(
    {
      undo: () => dispatch({ type: "undo" }),
      redo: () => dispatch({ type: "redo" }),
      remove: removeSelected,
      copy: () => {
        if (selection.states.length === 0) return false;
        const copied = copyFragment(workflow, selection.states);
        // A state drawn where the layout put it (no saved place) is copied from there.
        for (const id of Object.keys(copied.states)) {
          const box = drawing.current?.boxes.get(id);
          if (!copied.layout[id] && box) copied.layout[id] = { x: Math.round(box.x), y: Math.round(box.y) };
        }
        clipboard = copied;
        void navigator.clipboard?.writeText(JSON.stringify(clipboard)).catch(() => undefined);
        const count = Object.keys(copied.states).length;
        setMessage({ kind: "info", text: `Copied ${count === 1 ? "1 state" : `${count} states`}: Ctrl+V pastes ${count === 1 ? "a copy" : "copies"} beside ${count === 1 ? "it" : "them"}.`, toast: true });
        return true;
      },
      paste: () => {
        if (!clipboard || !canEdit) return false;
        pasteGiven(clipboard);
        return true;
      },
      pasteText: (text) => {
        const fragment = parseFragment(text);
        if (fragment && canEdit) pasteGiven(fragment);
      },
      save: () => void save(),
      selectAll: () => select({ states: Object.keys(workflow.states), transitions: workflow.transitions.map((_, i) => i) }),
      escape: () => dispatch({ type: "select", selection: NOTHING }),
    },
    true,
  );

  const renameState = useCallback(
    (from: string, to: string) => {
      if (!canEdit) return;
      const { workflow: next, expressions } = renameStateIn(root, scope, from, to);
      const typedHere = document.activeElement?.getAttribute("data-testid") === "field-id";
      commitDocument(next, undefined, { states: [to], transitions: [] });
      if (typedHere) setNaming((n) => ({ id: to, nonce: (n?.nonce ?? 0) + 1, select: false }));
      const text = renameWords(from, to, expressions);
      if (text) setMessage({ kind: "info", text: "", renamed: { text, document: next } });
    },
    [commitDocument, canEdit, root, scope],
  );
  const ctx: InspectorContext = useMemo(
    () => ({ workflow, findings, editable: canEdit, validating: validation.pending, commit, select, renameState, inBranch: scope.length > 0, inIterator: scope[scope.length - 1]?.branch === ITERATOR, openBranch }),
    [workflow, findings, validation.pending, canEdit, commit, select, renameState, scope, openBranch],
  );
  const errors = validation.findings.filter((f) => f.severity === "error").length;
  // The Paths panel measures a flow whose only errors are ones path analysis does not depend on (pathsReadiness.ts).
  const pathsReady = useMemo(() => pathsReadiness(validation.findings), [validation.findings]);
  // A publish refusal lists errors; once validation finds none, the list is out of date.
  useEffect(() => {
    if (!validation.pending && errors === 0) setMessage((m) => (m?.findings ? null : m));
  }, [validation.pending, errors]);
  const onMove = useCallback((positions: Record<string, Position>) => commit(moveStates(workflow, positions)), [workflow, commit]);
  const onConnect = useCallback(
    (source: string, dest: string) => {
      const [next, index] = addTransition(workflow, source, dest);
      commit(next, undefined, { states: [], transitions: [index] });
      setPanel("inspect");
    },
    [workflow, commit],
  );
  return (
    <div className="designer" data-testid="designer" data-dirty={dirty ? "true" : "false"}>
      <DesignerToolbar
        workflow={root}
        dirty={dirty}
        unapplied={unapplied?.reason ?? null}
        canEdit={canEdit}
        canPublish={canPublish}
        gone={gone !== null}
        busy={busy}
        errors={errors}
        canUndo={state.past.length > 0}
        canRedo={state.future.length > 0}
        hasSelection={!isEmpty(selection)}
        showVersions={Boolean(root.id) && draft.base_version !== null}
        onSave={() => void save()}
        onPublish={() => void publish()}
        onUndo={() => dispatch({ type: "undo" })}
        onRedo={() => dispatch({ type: "redo" })}
        onDelete={removeSelected}
        onAutoLayout={() => void autoLayout()}
      />
      {gone && <DraftGone fate={gone} editable={canEdit} busy={busy !== null} onSaveAsNew={() => void saveAsNewDraft()} onOpenLatest={openLatest} />}
      {publishing && !gone && (
        <PublishDialog
          draftId={draft.id}
          canPublish={canPublish}
          placeOf={placeOf}
          onClose={() => {
            setPublishing(false);
            lookAgain(); // published elsewhere while the dialog was open
          }}
          onPublished={published}
          onRequested={(text) => {
            setPublishing(false);
            setMessage({ kind: "ok", text, toast: true });
          }}
        />
      )}
      {conflict && (
        <SaveConflict
          theirs={conflict}
          dropped={dropped}
          busy={busy !== null}
          refused={!conflictAsked}
          combining={combiningConflict}
          onCombine={() => combine(conflict)}
          onKeepMine={() => void save(conflict)}
          onTakeTheirs={() => takeTheirs(conflict)}
          onClose={() => setConflict(null)}
        />
      )}
      {elsewhere && !conflict && !gone && (
        <SavedElsewhere theirs={elsewhere} replaced={replaced} unsaved={dirty} editable={canEdit} combining={combiningElsewhere} onCombine={() => combine(elsewhere)} onTakeTheirs={() => takeTheirs(elsewhere)} onSaveMine={() => {
            setConflictAsked(true);
            setConflict(elsewhere);
          }} onClose={() => setElsewhere(null)} />
      )}
      {message && !message.toast && stillTrue(message, root) && (
        <Notice kind={message.kind} testId="designer-message" onClose={() => setMessage(null)}>
          {message.deletion && root === message.deletion.document && (
            <UndoNotice text={message.deletion.text} testId="deletion-notice" undoTestId="deletion-undo" onUndo={() => dispatch({ type: "undo" })} />
          )}
          {message.renamed && root === message.renamed.document && (
            <UndoNotice text={message.renamed.text} testId="rename-notice" undoTestId="rename-undo" onUndo={() => dispatch({ type: "undo" })} />
          )}
          {message.combined && root === message.combined.document && (
            <UndoNotice text={message.combined.text} testId="combined-notice" undoTestId="combined-undo" onUndo={() => dispatch({ type: "undo" })} />
          )}
          {message.text}
          {message.findings && (
            <ul className="notice-findings" data-testid="publish-refusal">
              {message.findings.filter((f) => f.severity === "error").map((f, i) => (
                <li key={i}>
                  <code>{f.code}</code> {findingMessage(f)}
                </li>
              ))}
            </ul>
          )}
        </Notice>
      )}
      <div className="designer-body">
        <aside className="designer-left">
          <Palette disabled={!canEdit} onAdd={(type) => add(type)} />
          <Legend />
        </aside>
        <main className="designer-center">
          <div className="view-tabs" role="tablist" aria-label="View">
            <button type="button" role="tab" aria-selected={view === "diagram"} data-testid="view-diagram" onClick={() => setView("diagram")}>
              Diagram
            </button>
            <button type="button" role="tab" aria-selected={view === "json"} data-testid="view-json" onClick={() => setView("json")}>
              JSON
            </button>
            {message?.toast && (
              <Toast key={toastKey} kind={message.kind === "ok" ? "ok" : "info"} testId="designer-message" onDone={() => setMessage((m) => (m === message ? null : m))}>
                {message.text}
              </Toast>
            )}
            {/* Back up to a state: it is shown selected, in view (a map's per-item canvas left it out of sight). */}
            {scope.length > 0 && <ScopeBreadcrumb root={root} scope={scope} onOpen={(at, selected) => (isEmpty(selected) ? open(at) : revealAt(at, selected))} />}
          </div>
          <div className="view-area">
            <div className={`view-pane ${view === "diagram" ? "" : "hidden"}`}>
              <ErrorBoundary what="The diagram" testId="canvas-broken" resetKey={workflow} help={BROKEN_HELP} actions={<OpenJson onJson={() => setView("json")} />}>
              <FlowCanvas
                key={scopePointer(scope)}
                workflow={workflow}
                marks={marks}
                selection={selection}
                involved={involved}
                editable={canEdit}
                reveal={reveal}
                suggestedLayout={suggested}
                onSelect={select}
                onMove={onMove}
                onConnect={onConnect}
                onDropState={add}
                everywhere={everywhere}
                onFindElsewhere={revealState}
                search={search}
                onSearch={setSearch}
                skipTo={SKIP_TO_SIDE_PANEL}
                onTidy={canEdit ? () => void autoLayout() : undefined}
                drawingRef={drawing}
                onOpen={(stateId) => openBranch(stateId, workflow.states[stateId]?.type === "map" ? ITERATOR : 0)}
              />
              </ErrorBoundary>
            </div>
            {view === "json" && (
              <div className="view-pane">
                <JsonView json={jsonText} editable={canEdit} findings={validation.findings} reveal={jsonReveal} />
              </div>
            )}
          </div>
          <FindingsPanel findings={validation.findings} pending={validation.pending} error={validation.error} onReveal={revealFinding} placeOf={placeOf} whereOf={whereOf} />
        </main>
        <aside className="designer-right" id={SKIP_TO_SIDE_PANEL.targetId} tabIndex={-1} aria-label="Inspector, simulator and paths">
          <div className="view-tabs" role="tablist" aria-label="Side panel">
            <button type="button" role="tab" aria-selected={panel === "inspect"} data-testid="panel-inspect" onClick={() => setPanel("inspect")}>
              Inspector
            </button>
            <button type="button" role="tab" aria-selected={panel === "simulate"} data-testid="panel-simulate" onClick={() => setPanel("simulate")}>
              Simulate
            </button>
            <button type="button" role="tab" aria-selected={panel === "paths"} data-testid="panel-paths" onClick={() => setPanel("paths")}>
              Paths
            </button>
          </div>
          <div className="side-scroll">
            <div hidden={panel !== "inspect"}>
              <ErrorBoundary what="The inspector" testId="inspector-broken" resetKey={root} help={BROKEN_HELP} actions={<OpenJson onJson={() => setView("json")} />}>
                <UnappliedTextContext.Provider value={reportUnapplied}>
                  <Inspector ctx={ctx} selection={selection} />
                </UnappliedTextContext.Provider>
              </ErrorBoundary>
            </div>
            {/* Kept mounted while hidden, so a simulation survives a look at the inspector. */}
            <div hidden={panel !== "simulate"}>
              <SimulatorPanel workflow={root} onResult={setSimulation} playing={playing} onStopPlaying={stopPlaying} onShowFailure={revealFailure} />
            </div>
            <div hidden={panel !== "paths"}>
              {validation.checked === root && !pathsReady.measurable ? (
                <p className="muted" data-testid="paths-need-valid">Paths are measured once the workflow has no errors other than actions with no handler on this server.</p>
              ) : (
                <>
                  {validation.checked === root && pathsReady.remaining.length > 0 && (
                    <p className="muted small" data-testid="paths-errors-remain">
                      {remainingWords(pathsReady.remaining)}
                    </p>
                  )}
                  <PathsPanel load={loadPaths} source={root} active={panel === "paths"} selected={path} onSelect={setPath} colour={colour} onColour={setColour} onPlay={(p) => void play(p)} />
                </>
              )}
            </div>
          </div>
        </aside>
      </div>
    </div>
  );
}

/** What to do when the diagram (or the inspector) cannot be drawn: the document is still here, unsaved edits too. */
const BROKEN_HELP =
  "Your unsaved changes are still here, and Save still saves them. Open the JSON view to see and fix the definition (the Problems panel below says where it is wrong); this part is drawn again as soon as the definition is edited. Reloading the page shows the draft as last saved.";

function OpenJson({ onJson }: { onJson: () => void }) {
  return (
    <button type="button" className="primary" onClick={onJson} data-testid="broken-open-json">
      Open the JSON view
    </button>
  );
}

/** The state a state added now follows: the one selected (the last, of several), else the one the selected
 * transition leads to; null when nothing is selected. */
function followed(workflow: Workflow, selection: Selection): string | null {
  const state = selection.states[selection.states.length - 1];
  if (state !== undefined) return state in workflow.states ? state : null;
  const transition = selection.transitions.length === 1 ? workflow.transitions[selection.transitions[0]!] : undefined;
  return transition && transition.dest in workflow.states ? transition.dest : null;
}
