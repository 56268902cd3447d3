/**
 * The one table of command ids (`knobs.<verb><Noun>`). A unit test keeps it in step with
 * package.json (contributes.commands, menus, activationEvents). No vscode import.
 *   palette: shown in the command palette (category "Knobs")
 *   icon:    a codicon for title/inline menus
 */
export const COMMANDS = {
  runSweep: { id: 'knobs.runSweep', title: 'Run Sweep', palette: true, icon: '$(play)' },
  resumeSweep: { id: 'knobs.resumeSweep', title: 'Resume Sweep', palette: true, icon: '$(debug-continue)' },
  stopSweep: { id: 'knobs.stopSweep', title: 'Stop Sweep', palette: true, icon: '$(debug-stop)' },
  stopTrial: { id: 'knobs.stopTrial', title: 'Stop Trial', palette: true, icon: '$(debug-stop)' },
  openDashboard: { id: 'knobs.openDashboard', title: 'Open Dashboard', palette: true, icon: '$(graph)' },
  promoteBestConfig: { id: 'knobs.promoteBestConfig', title: 'Promote Best Config', palette: true, icon: '$(arrow-up)' },
  newSweepFile: { id: 'knobs.newSweepFile', title: 'New Sweep File', palette: true, icon: '$(add)' },
  showLogs: { id: 'knobs.showLogs', title: 'Show Logs', palette: true, icon: '$(output)' },
  refreshSweeps: { id: 'knobs.refreshSweeps', title: 'Refresh', palette: true, icon: '$(refresh)' },
  deleteSweep: { id: 'knobs.deleteSweep', title: 'Delete Sweep', palette: true, icon: '$(trash)' },
  openExample: { id: 'knobs.openExample', title: 'Open Example', palette: true, icon: '$(book)' },
  openTrialLogs: { id: 'knobs.openTrialLogs', title: 'Open Logs', palette: false, icon: '$(file-text)' },
  openTrialFolder: { id: 'knobs.openTrialFolder', title: 'Open Trial Folder', palette: false, icon: '$(folder-opened)' },
  promoteTrialConfig: { id: 'knobs.promoteTrialConfig', title: 'Promote This Config', palette: false, icon: '$(arrow-up)' },
  rerunTrialConfig: { id: 'knobs.rerunTrialConfig', title: 'Rerun With This Config', palette: false, icon: '$(debug-rerun)' },
  showMoreTrials: { id: 'knobs.showMoreTrials', title: 'Show More Trials', palette: false, icon: '$(ellipsis)' },
  findLearningRate: { id: 'knobs.findLearningRate', title: 'Find Learning Rate', palette: true, icon: '$(pulse)' },
  compareSweeps: { id: 'knobs.compareSweeps', title: 'Compare Sweeps', palette: true, icon: '$(split-horizontal)' },
  chooseLensSweep: { id: 'knobs.chooseLensSweep', title: 'Choose Sweep for Code Lenses', palette: true, icon: '$(list-selection)' },
  showLrFindResult: { id: 'knobs.showLrFindResult', title: 'Show Learning Rate Finder Result', palette: true, icon: '$(graph-line)' },
} as const;

export type CommandKey = keyof typeof COMMANDS;
export type CommandId = (typeof COMMANDS)[CommandKey]['id'];
export const COMMAND_CATEGORY = 'Knobs';
export const ALL_COMMAND_IDS: readonly CommandId[] = Object.values(COMMANDS).map((c) => c.id);

/** View and container ids, also referenced by package.json. */
export const VIEW_CONTAINER_ID = 'knobs';
export const SWEEPS_VIEW_ID = 'knobs.sweeps';
export const DASHBOARD_VIEW_TYPE = 'knobs.dashboard';
export const OUTPUT_CHANNEL_NAME = 'Knobs';

/** Settings (contributes.configuration), by key. */
export const SETTINGS = {
  codeLensEnabled: 'knobs.codeLens.enabled',
  pythonPath: 'knobs.pythonPath',
  treePageSize: 'knobs.tree.pageSize',
  diagnosticsEnabled: 'knobs.diagnostics.enabled',
  promotePreview: 'knobs.promote.showPreview',
  promoteFullPrecision: 'knobs.promote.fullPrecision',
  diagnosisEnabled: 'knobs.diagnosis.enabled',
  diagnosisTrainMetric: 'knobs.diagnosis.trainMetric',
  diagnosisValMetric: 'knobs.diagnosis.valMetric',
  diagnosisWindow: 'knobs.diagnosis.window',
  diagnosisMinPoints: 'knobs.diagnosis.minPoints',
  diagnosisValRise: 'knobs.diagnosis.valRise',
  diagnosisGapRatio: 'knobs.diagnosis.gapRatio',
  diagnosisMaxTrainLoss: 'knobs.diagnosis.maxTrainLoss',
  diagnosisTrainLossRatio: 'knobs.diagnosis.trainLossRatio',
  diagnosisMinTrainDrop: 'knobs.diagnosis.minTrainDrop',
  diagnosisStillFalling: 'knobs.diagnosis.stillFalling',
} as const;

/** Section of the fit diagnosis settings (knobs.diagnosis.trainMetric, ...). */
export const DIAGNOSIS_SECTION = 'knobs.diagnosis';
