/**
 * The states a trial goes through, as the journal records them; the one definition, used by the
 * reducer, the samplers' view of the history, and (re-exported by src/protocol) the webview.
 * Import-free, so the protocol may share it (see test/unit/boundary.test.ts). The order is the
 * dashboard's wire code (src/protocol/messages.ts).
 */
export const TRIAL_STATUSES = ['pending', 'running', 'completed', 'failed', 'stopped', 'pruned', 'interrupted'] as const;
export type TrialStatus = (typeof TRIAL_STATUSES)[number];
