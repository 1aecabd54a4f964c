/** What one `EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON)` says, in a line a reader can check. */
export interface PlanSummary {
  /** Each scan, e.g. `Index Only Scan using messages_bot_created_idx on messages`, in plan order. */
  scans: string[];
  /** Tables read whole, which at a million rows is what makes a query slow. */
  seqScans: string[];
  /** Sorts or hashes that did not fit in `work_mem` and went to disk. */
  spills: string[];
  executionMs: number;
  sharedHitBlocks: number;
  sharedReadBlocks: number;
}

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Sort Space Type'?: string;
  'Shared Hit Blocks'?: number;
  'Shared Read Blocks'?: number;
  Plans?: PlanNode[];
}

export function summarizeExplainJson(explained: unknown): PlanSummary {
  const [root] = explained as Array<{ Plan: PlanNode; 'Execution Time': number }>;
  const scans: string[] = [];
  const spills: string[] = [];
  const visit = (node: PlanNode) => {
    if (node['Relation Name'] || node['Index Name']) {
      const using = node['Index Name'] ? ` using ${node['Index Name']}` : '';
      const on = node['Relation Name'] ? ` on ${node['Relation Name']}` : '';
      const scan = `${node['Node Type']}${using}${on}`;
      if (!scans.includes(scan)) scans.push(scan);
    }
    if (node['Sort Space Type'] === 'Disk') spills.push(node['Node Type']);
    node.Plans?.forEach(visit);
  };
  visit(root!.Plan);
  return {
    scans,
    seqScans: scans.filter((scan) => scan.startsWith('Seq Scan')),
    spills,
    executionMs: Math.round(root!['Execution Time'] * 10) / 10,
    sharedHitBlocks: root!.Plan['Shared Hit Blocks'] ?? 0,
    sharedReadBlocks: root!.Plan['Shared Read Blocks'] ?? 0,
  };
}
