/**
 * The fit tags a trial can be shown with (the tree, the dashboard, `knobs status`); the one
 * definition, used by the diagnosis (core/analysis/diagnosis.ts) and, re-exported by
 * src/protocol, the webview. Import-free, so the protocol may share it (see
 * test/unit/boundary.test.ts). The order is the dashboard's wire code (1 + the index): append, never reorder.
 */
export const FIT_TAGS = ['overfitting', 'underfitting', 'ok', 'improving'] as const;
export type FitTag = (typeof FIT_TAGS)[number];
/** What the diagnosis concludes: a tag, or 'unknown' when there is too little data (no tag shown). */
export type FitVerdict = FitTag | 'unknown';
