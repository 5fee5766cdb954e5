/**
 * A single-line progress bar on stderr (redrawn in place on a terminal; a line every 25 % when
 * output is not a terminal, so CI logs stay short).
 */
export function progressBar(label: string, stream: NodeJS.WriteStream = process.stderr) {
  const started = Date.now();
  let lastQuarter = -1;
  let lastDraw = 0;
  return {
    update(done: number, total: number) {
      const ratio = total === 0 ? 1 : done / total;
      const rate = done / Math.max(0.001, (Date.now() - started) / 1000);
      const text = `${label} ${done.toLocaleString("en-US")}/${total.toLocaleString("en-US")} (${Math.round(rate).toLocaleString("en-US")}/s)`;
      if (stream.isTTY) {
        if (Date.now() - lastDraw < 50 && done < total) return;
        lastDraw = Date.now();
        const width = 30;
        const filled = Math.round(ratio * width);
        stream.write(`\r[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${text}`);
        if (done >= total) stream.write("\n");
      } else {
        const quarter = Math.floor(ratio * 4);
        if (quarter !== lastQuarter) {
          lastQuarter = quarter;
          stream.write(`${text}\n`);
        }
      }
    },
  };
}
