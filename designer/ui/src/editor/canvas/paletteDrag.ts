// The drag-and-drop format a palette item carries onto the canvas: the state type to add.
export const PALETTE_MIME = "application/x-statewright-state-type";
