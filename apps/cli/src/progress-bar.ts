/**
 * A one-line text progress bar on a stream (stderr, so stdout stays machine-readable).
 * On a terminal it redraws in place; otherwise it prints a line only when the text changes.
 */
export class ProgressBar {
  private last = '';

  constructor(
    private readonly out: NodeJS.WriteStream,
    private readonly total: number,
    private readonly width = 24,
  ) {}

  render(done: number, note = ''): void {
    const filled = this.total === 0 ? this.width : Math.round((done / this.total) * this.width);
    const line = `[${'#'.repeat(filled)}${'-'.repeat(this.width - filled)}] ${done}/${this.total}${note ? ` ${note}` : ''}`;
    if (line === this.last) return;
    this.last = line;
    if (this.out.isTTY) this.out.write(`\r${line.padEnd(this.out.columns ? this.out.columns - 1 : line.length)}`);
    else this.out.write(`${line}\n`);
  }

  finish(): void {
    if (this.out.isTTY && this.last) this.out.write('\n');
  }
}
