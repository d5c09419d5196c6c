/** Horizontal bar charts in plain SVG: a few bars do not need a chart library. */

export interface Bar {
  label: string;
  value: number;
  /** What the bar shows, formatted (money, a count). */
  text: string;
  tone: "good" | "warn" | "bad" | "neutral";
}

export function BarChart({ title, bars }: { title: string; bars: Bar[] }) {
  const max = Math.max(1, ...bars.map((b) => b.value));
  const rowHeight = 28;
  const labelWidth = 110;
  const width = 420;
  const barSpace = width - labelWidth - 110;
  return (
    <figure class="chart">
      <figcaption>{title}</figcaption>
      <svg viewBox={`0 0 ${width} ${bars.length * rowHeight}`} role="img" aria-label={title} preserveAspectRatio="xMinYMin meet">
        {bars.map((bar, i) => {
          const y = i * rowHeight;
          const w = bar.value > 0 ? Math.max(2, (bar.value / max) * barSpace) : 0;
          return (
            <g key={bar.label} transform={`translate(0 ${y})`}>
              <text x={0} y={18} class="chart-label">
                {bar.label}
              </text>
              <rect x={labelWidth} y={6} width={w} height={16} rx={3} class={`bar ${bar.tone}`} />
              <text x={labelWidth + w + 6} y={18} class="chart-value">
                {bar.text}
              </text>
            </g>
          );
        })}
      </svg>
    </figure>
  );
}

/** One stacked bar: the parts of a whole (subscriptions by status). */
export function StackedBar({ title, parts }: { title: string; parts: Bar[] }) {
  const total = parts.reduce((sum, p) => sum + p.value, 0);
  return (
    <figure class="chart">
      <figcaption>{title}</figcaption>
      {total === 0 ? (
        <p class="muted">None yet.</p>
      ) : (
        <>
          <svg viewBox="0 0 400 20" role="img" aria-label={`${title}: ${parts.map((p) => `${p.label} ${p.text}`).join(", ")}`} preserveAspectRatio="none" class="stacked">
            {parts.reduce<{ x: number; nodes: preact.JSX.Element[] }>(
              (acc, part) => {
                const w = (part.value / total) * 400;
                acc.nodes.push(<rect key={part.label} x={acc.x} y={0} width={w} height={20} class={`bar ${part.tone}`} />);
                acc.x += w;
                return acc;
              },
              { x: 0, nodes: [] },
            ).nodes}
          </svg>
          <ul class="legend">
            {parts.map((p) => (
              <li key={p.label}>
                <span class={`swatch ${p.tone}`} aria-hidden="true" />
                {p.label} <strong>{p.text}</strong>
              </li>
            ))}
          </ul>
        </>
      )}
    </figure>
  );
}
