/**
 * Gathers the calls made in one turn of the event loop and sends them as batches, one per
 * group (a shard, a tenant: what one script call may cover), each of at most `maxBatch`. A call waits for the
 * next `setImmediate`, no timer: alone it costs no latency, and under load the calls that
 * arrive together share a round trip and the writes they have in common. A batch that fails
 * fails each of its calls, as each call alone would have.
 */
export class Coalescer<G, I, O> {
  private waiting = new Map<G, Array<{ item: I; resolve: (out: O) => void; reject: (error: unknown) => void }>>();
  private scheduled = false;

  constructor(
    private readonly send: (group: G, items: I[]) => Promise<O[]>,
    private readonly maxBatch = 64,
  ) {}

  add(group: G, item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      const list = this.waiting.get(group);
      if (list) list.push({ item, resolve, reject });
      else this.waiting.set(group, [{ item, resolve, reject }]);
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    const waiting = this.waiting;
    this.waiting = new Map();
    this.scheduled = false;
    for (const [group, calls] of waiting) {
      for (let i = 0; i < calls.length; i += this.maxBatch) {
        const batch = calls.slice(i, i + this.maxBatch);
        // Through a promise, so a send that throws at once fails its calls too.
        Promise.resolve()
          .then(() =>
            this.send(
              group,
              batch.map((c) => c.item),
            ),
          )
          .then(
            (outs) => batch.forEach((c, k) => c.resolve(outs[k]!)),
            (error: unknown) => batch.forEach((c) => c.reject(error)),
          );
      }
    }
  }
}
