export interface WallResult {
  markdown: string[];
}
export async function runWall(_o: { work: string }): Promise<WallResult> {
  return { markdown: [] };
}
