import { html, type Html } from '../html';

/** GET /v1/funnel's answer (getFunnel). */
export interface Funnel {
  from: string;
  to: string;
  steps: Array<{ step: string; label: string; count: number; rate: number | null }>;
}

export const formatRate = (rate: number | null): string => (rate === null ? '—' : `${(Math.round(rate * 1000) / 10).toString()} %`);

const WIDTH = 300;
const ROW = 58;
const BAR = 22;

/**
 * The funnel as a server-rendered SVG bar chart, one horizontal bar a step (wide
 * enough to read on a 360 px phone; it scales up on wider screens). For assistive
 * technology it is one image with a title and a description that says every number;
 * the table beside it says them again.
 */
export function funnelChart(funnel: Funnel): Html {
  const max = Math.max(1, ...funnel.steps.map((s) => s.count));
  const height = funnel.steps.length * ROW;
  const description = funnel.steps.map((s) => `${s.label}: ${s.count}${s.rate === null ? '' : ` (${formatRate(s.rate)} of the step before)`}`).join('; ');
  return html`<svg
    class="funnel-chart"
    viewBox="0 0 ${WIDTH} ${height}"
    width="${WIDTH}"
    height="${height}"
    role="img"
    aria-labelledby="funnel-chart-title funnel-chart-desc"
    focusable="false"
  >
    <title id="funnel-chart-title">Conversion funnel from ${funnel.from} to ${funnel.to}</title>
    <desc id="funnel-chart-desc">${description}</desc>
    ${funnel.steps.map((s, i) => {
      const y = i * ROW;
      const w = s.count === 0 ? 0 : Math.max(3, Math.round((s.count / max) * WIDTH));
      return html`<g class="step step-${s.step}" aria-hidden="true">
        <text class="label" x="0" y="${y + 17}">${s.label}</text>
        <text class="value" x="${WIDTH}" y="${y + 17}" text-anchor="end">${s.count}${s.rate === null ? '' : ` · ${formatRate(s.rate)}`}</text>
        <rect class="track" x="0" y="${y + 24}" width="${WIDTH}" height="${BAR}" rx="3"></rect>
        <rect class="bar" x="0" y="${y + 24}" width="${w}" height="${BAR}" rx="3"></rect>
      </g>`;
    })}
  </svg>`;
}

/** The same numbers as a table. */
export function funnelTable(funnel: Funnel): Html {
  return html`<table class="funnel-table">
    <caption>
      Funnel from
      <time datetime="${funnel.from}">${funnel.from}</time>
      to
      <time datetime="${funnel.to}">${funnel.to}</time>
    </caption>
    <thead>
      <tr>
        <th scope="col">Step</th>
        <th scope="col" class="num">Count</th>
        <th scope="col" class="num">Rate from the step before</th>
      </tr>
    </thead>
    <tbody>
      ${funnel.steps.map(
        (s) =>
          html`<tr data-step="${s.step}">
            <th scope="row">${s.label}</th>
            <td class="num">${s.count}</td>
            <td class="num">${formatRate(s.rate)}</td>
          </tr>`,
      )}
    </tbody>
  </table>`;
}
