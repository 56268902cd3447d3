/** Knobs' version (kept in step with package.json by a unit test). */
export const KNOBS_VERSION = '0.1.0';
