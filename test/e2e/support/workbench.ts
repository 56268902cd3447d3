/**
 * Driving the VS Code workbench in chromium (selectors from /work/shared/E2E.md): the command
 * palette, quick open, the Knobs view, tree items, code lenses, webview frames, notifications
 * and screenshots into test/e2e/artifacts/.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FrameLocator, Locator, Page } from 'playwright-core';
import { sleep } from './processes';
import { ARTIFACTS } from './toolchain';

export class Workbench {
  private shot = 0;
  readonly shots: string[] = [];

  constructor(
    readonly page: Page,
    readonly name: string,
  ) {}

  async waitReady(timeoutMs = 60_000): Promise<void> {
    await this.page.locator('.monaco-workbench .part.activitybar').waitFor({ state: 'visible', timeout: timeoutMs });
    // the explorer (or the last view) and the status bar are up once the workbench has restored
    await this.page.locator('.monaco-workbench .part.statusbar').waitFor({ state: 'visible', timeout: timeoutMs });
  }

  /** A screenshot into test/e2e/artifacts/<name>-NN-<step>.png; returns its path. */
  async screenshot(step: string): Promise<string> {
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    const file = path.join(ARTIFACTS, `${this.name}-${String(++this.shot).padStart(2, '0')}-${step}.png`);
    await this.page.screenshot({ path: file }).catch(() => undefined);
    this.shots.push(file);
    return file;
  }

  /** Dismisses the quick input (palette) if one is open. */
  async closeQuickInput(): Promise<void> {
    const qi = this.page.locator('.quick-input-widget');
    if (await qi.isVisible().catch(() => false)) await this.page.keyboard.press('Escape');
  }

  /**
   * F1, `>title`, click the row whose label is the command (exact label match when possible).
   * Right after start-up the palette may not list an extension's commands yet ("No matching
   * commands"), so it reopens the palette until the command shows up or `timeoutMs` passes.
   */
  async runCommand(title: string, opts: { timeoutMs?: number } = {}): Promise<void> {
    const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
    const input = this.page.locator('.quick-input-widget input');
    const allRows = this.page.locator('.quick-input-list .monaco-list-row');
    const rows = allRows.filter({ hasText: title });
    for (;;) {
      await this.closeQuickInput();
      await this.page.keyboard.press('F1');
      await input.waitFor({ state: 'visible', timeout: 10_000 });
      await input.fill(`>${title}`);
      const found = await rows
        .first()
        .waitFor({ state: 'visible', timeout: 3000 })
        .then(
          () => true,
          () => false,
        );
      if (found) break;
      if (Date.now() > deadline) {
        const seen = await allRows.allInnerTexts().catch(() => []);
        const shot = await this.screenshot('palette-miss');
        await this.page.keyboard.press('Escape');
        throw new Error(
          `the command palette has no "${title}" (rows: ${JSON.stringify(seen.map((r) => r.replace(/\s+/g, ' ')))}; see ${shot})`,
        );
      }
      await sleep(500);
    }
    // prefer the row whose whole label is the title (not "Knobs: Run Sweep" vs "Knobs: Run Sweep Again")
    const n = await rows.count();
    for (let i = 0; i < n; i++) {
      const label = (await rows.nth(i).getAttribute('aria-label')) ?? (await rows.nth(i).innerText());
      if (label.split(/[,\n]/)[0].trim() === title) {
        await rows.nth(i).click();
        return;
      }
    }
    await rows.first().click();
  }

  /** The palette's command labels matching `filter` (e.g. "Knobs:"). */
  async commandLabels(filter: string): Promise<string[]> {
    await this.closeQuickInput();
    await this.page.keyboard.press('F1');
    const input = this.page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible', timeout: 10_000 });
    await input.fill(`>${filter}`);
    const rows = this.page.locator('.quick-input-list .monaco-list-row');
    await rows
      .first()
      .waitFor({ state: 'visible', timeout: 15_000 })
      .catch(() => undefined);
    await sleep(300);
    const labels: string[] = [];
    for (const r of await rows.all()) labels.push(((await r.getAttribute('aria-label')) ?? (await r.innerText())).split(/[,\n]/)[0].trim());
    await this.page.keyboard.press('Escape');
    return labels;
  }

  /**
   * Opens a workspace file: a top-level file by clicking it in the Explorer (quick open depends
   * on the file search, which is slow on a busy machine); a nested one by quick open, retried.
   * Waits for its editor tab.
   */
  async openFile(rel: string, timeoutMs = 30_000): Promise<void> {
    await this.closeQuickInput();
    const base = path.basename(rel);
    if (!rel.includes('/')) {
      const explorer = this.page.getByRole('tab', { name: /^Explorer/ }).first();
      if ((await explorer.getAttribute('aria-selected')) !== 'true') await explorer.click();
      const item = this.page.locator('.part.sidebar .explorer-folders-view').getByRole('treeitem', { name: base, exact: true }).first();
      await item.waitFor({ state: 'visible', timeout: timeoutMs });
      await item.click();
    } else {
      const deadline = Date.now() + timeoutMs;
      const input = this.page.locator('.quick-input-widget input');
      const row = this.page.locator('.quick-input-list .monaco-list-row', { hasText: base }).first();
      for (;;) {
        await this.closeQuickInput();
        await this.page.keyboard.press('F1');
        await input.waitFor({ state: 'visible', timeout: 10_000 });
        await input.fill(rel);
        if (
          await row.waitFor({ state: 'visible', timeout: 5000 }).then(
            () => true,
            () => false,
          )
        )
          break;
        if (Date.now() > deadline) throw new Error(`quick open found no ${rel} within ${timeoutMs} ms`);
      }
      await this.page.keyboard.press('Enter');
    }
    await this.editorTab(base).waitFor({ state: 'visible', timeout: 15_000 });
  }

  editorTab(label: string): Locator {
    return this.page.locator('.tabs-container .tab', { hasText: label }).first();
  }

  /** The Knobs view container in the activity bar. */
  knobsTab(): Locator {
    return this.page.getByRole('tab', { name: /^Knobs/ }).first();
  }

  /**
   * Shows the Knobs sidebar. Clicking the tab of the open container hides the sidebar, so it
   * clicks only when needed; right after a reload the container may not be registered yet, so it
   * retries until the sidebar shows the Knobs view.
   */
  async showKnobs(timeoutMs = 30_000): Promise<void> {
    const tab = this.knobsTab();
    const sidebar = this.page.locator('.part.sidebar');
    await tab.waitFor({ state: 'visible', timeout: timeoutMs });
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const selected = (await tab.getAttribute('aria-selected')) === 'true' || (await tab.getAttribute('aria-checked')) === 'true';
      const visible = await sidebar.isVisible().catch(() => false);
      const title = visible
        ? await sidebar
            .locator('.composite.title')
            .innerText()
            .catch(() => '')
        : '';
      if (selected && visible && /knobs/i.test(title)) return;
      if (Date.now() > deadline)
        throw new Error(
          `the Knobs sidebar did not show (tab selected: ${selected}, sidebar visible: ${visible}, title: ${JSON.stringify(title)})`,
        );
      if (!selected || !visible) await tab.click();
      await sleep(1000);
    }
  }

  /** Tree rows (`.monaco-list-row` with role treeitem), named by their aria-label. */
  treeItem(name: RegExp | string): Locator {
    return this.page.locator('.part.sidebar').getByRole('treeitem', { name });
  }

  treeItems(): Locator {
    return this.page.locator('.part.sidebar').getByRole('treeitem');
  }

  async treeLabels(): Promise<string[]> {
    const out: string[] = [];
    for (const r of await this.treeItems().all()) out.push((await r.getAttribute('aria-label')) ?? (await r.innerText()));
    return out;
  }

  /** The text of every visible sidebar view body (welcome content, messages). */
  async sidebarText(): Promise<string> {
    return (
      (await this.page
        .locator('.part.sidebar')
        .innerText()
        .catch(() => '')) ?? ''
    );
  }

  codeLens(text: string | RegExp): Locator {
    return this.page.locator('.codelens-decoration a', { hasText: text }).first();
  }

  async codeLensTexts(): Promise<string[]> {
    return (await this.page.locator('.codelens-decoration').allInnerTexts()).map((s) => s.trim());
  }

  /**
   * The content frame of the active webview (nested iframes in an overlay, not in the editor DOM).
   * With several webviews, `index` picks among the ready ones.
   */
  webview(index = 0): FrameLocator {
    return this.page.frameLocator('iframe.webview.ready').nth(index).frameLocator('iframe#active-frame');
  }

  async webviewCount(): Promise<number> {
    return this.page.locator('iframe.webview.ready').count();
  }

  notifications(): Locator {
    return this.page.locator('.notifications-toasts .notification-toast');
  }

  async notificationTexts(): Promise<string[]> {
    return (await this.notifications().allInnerTexts()).map((s) => s.replace(/\s+/g, ' ').trim());
  }

  /** Clicks a button (by label) on the first visible notification toast matching `text`. */
  async clickNotificationButton(text: string | RegExp, button: string | RegExp): Promise<void> {
    const toast = this.notifications().filter({ hasText: text }).first();
    await toast.waitFor({ state: 'visible', timeout: 15_000 });
    await toast.getByRole('button', { name: button }).first().click();
  }

  statusBarItem(text: string | RegExp): Locator {
    return this.page.locator('.part.statusbar .statusbar-item', { hasText: text }).first();
  }
}
