/** Workspace Trust: in an untrusted workspace nothing runs, and the views say why. */
export const UNTRUSTED_MESSAGE = 'Knobs runs training scripts; trust this workspace to run sweeps';
