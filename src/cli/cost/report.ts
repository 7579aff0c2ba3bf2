// cli-table3 is a CommonJS `export =` module: this is TypeScript's import for it.
// eslint-disable-next-line @typescript-eslint/no-require-imports
import Table = require('cli-table3');
import { CostKind, CostReport, round } from './estimate';

/** A table without borders: columns separated by spaces, readable in a terminal and in a pull request. */
const PLAIN = {
  'top': '',
  'top-mid': '',
  'top-left': '',
  'top-right': '',
  'bottom': '',
  'bottom-mid': '',
  'bottom-left': '',
  'bottom-right': '',
  'left': '',
  'left-mid': '',
  'mid': '',
  'mid-mid': '',
  'right': '',
  'right-mid': '',
  'middle': ' ',
};
const usd = (n: number) => `$${n.toFixed(2)}`;
const signed = (n: number) => `${n >= 0 ? '+' : '-'}$${Math.abs(n).toFixed(2)}`;

/** Per-stack difference against a baseline report. */
export interface StackDelta {
  readonly stack: string;
  readonly baselineMonthlyUsd: number;
  readonly monthlyUsd: number;
  readonly deltaMonthlyUsd: number;
}

/** The difference of a report against a baseline, stack by stack (added and removed stacks too). */
export function compareReports(current: CostReport, baseline: CostReport): { readonly totalDeltaMonthlyUsd: number; readonly stacks: StackDelta[] } {
  const names = [...new Set([...baseline.stacks.map(s => s.stack), ...current.stacks.map(s => s.stack)])];
  const stacks = names.map(stack => {
    const before = baseline.stacks.find(s => s.stack === stack)?.monthlyUsd ?? 0;
    const after = current.stacks.find(s => s.stack === stack)?.monthlyUsd ?? 0;
    return { stack, baselineMonthlyUsd: before, monthlyUsd: after, deltaMonthlyUsd: round(after - before) };
  });
  return { totalDeltaMonthlyUsd: round(current.totalMonthlyUsd - baseline.totalMonthlyUsd), stacks };
}

/** The report as text: a table per stack of what is priced, then what is listed and why. */
export function formatCostReport(report: CostReport, baseline?: CostReport): string {
  const out: string[] = [];
  for (const stack of report.stacks) {
    out.push(`${stack.stack} (${stack.region}): ${usd(stack.monthlyUsd)} a month when idle`);
    const priced = stack.lines.filter(l => l.kind === CostKind.PRICED).sort((a, b) => b.monthlyUsd - a.monthlyUsd);
    if (priced.length > 0) {
      const table = new Table({ head: ['resource', 'type', 'month', 'what'], chars: PLAIN, style: { 'head': [], 'border': [], 'padding-left': 2, 'padding-right': 0 } });
      priced.forEach(l => table.push([l.logicalId, l.type, usd(l.monthlyUsd), l.detail]));
      out.push(table.toString().split('\n').map(row => row.trimEnd()).join('\n'));
    }
    for (const l of stack.lines.filter(x => x.kind === CostKind.SPOT)) {
      out.push(`  Spot, not priced: ${l.logicalId} (${l.type}): ${l.detail}`);
    }
    const usage = new Map<string, number>();
    stack.lines.filter(l => l.kind === CostKind.USAGE).forEach(l => usage.set(l.type, (usage.get(l.type) ?? 0) + 1));
    if (usage.size > 0) {
      out.push(`  by usage (nothing while idle): ${[...usage].map(([type, n]) => `${n} ${type}`).join(', ')}`);
    }
    for (const l of stack.lines.filter(x => x.kind === CostKind.UNKNOWN)) {
      out.push(`  not priced: ${l.logicalId} (${l.type}): ${l.detail}`);
    }
    out.push('');
  }
  out.push(`Total: ${usd(report.totalMonthlyUsd)} a month when idle`);
  if (baseline) {
    const diff = compareReports(report, baseline);
    out.push('', 'Against the baseline:');
    for (const s of diff.stacks) {
      out.push(`  ${s.stack}: ${usd(s.baselineMonthlyUsd)} -> ${usd(s.monthlyUsd)} (${signed(s.deltaMonthlyUsd)})`);
    }
    out.push(`  total: ${signed(diff.totalDeltaMonthlyUsd)} a month`);
  }
  out.push(`Prices: ${report.priceTable.source}, table of ${report.priceTable.date}; ${report.priceTable.hoursPerMonth} hours a month.`);
  return out.join('\n');
}
