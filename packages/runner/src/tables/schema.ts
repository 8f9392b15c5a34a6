import { z } from 'zod';

/**
 * The schema of `benchmarks/<paper>/<entry>/table.json`: what a reference table or figure is,
 * where it comes from, what it needs to be replayed, and which internal-consistency checks
 * the document implies. Validated with zod so that a bad file is named with its field path.
 */

const Id = z.string().regex(/^[a-z0-9][a-z0-9_.+\-/]*$/, 'lower-case id: letters, digits, _ . + - /');

export const ColumnSpec = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9_]*$/, 'snake_case column id'),
    label: z.string(),
    group: z.string().optional(),
    unit: z.string().optional(),
    type: z.enum(['number', 'text']).default('number'),
    role: z.enum(['value', 'mean', 'param_count', 'info']).default('value'),
    metric: z.string().optional(),
    higher_is_better: z.boolean().optional(),
    train: z.string().optional(),
    test: z.string().optional(),
    std: z.boolean().default(false),
  })
  .passthrough();
export type ColumnSpec = z.infer<typeof ColumnSpec>;

export const RowSpec = z
  .object({
    id: Id,
    label: z.string(),
    model: z.string().optional(),
    group: z.string().optional(),
    role: z.enum(['result', 'derived']).default('result'),
    source: z.string().optional(),
  })
  .passthrough();
export type RowSpec = z.infer<typeof RowSpec>;

const Stated = z.union([z.number(), z.string().regex(/^-?\d+(\.\d+)?$/)]);

export const CheckSpec = z.discriminatedUnion('rule', [
  z.object({ rule: z.literal('row-mean'), target: z.string(), of: z.array(z.string()).min(1), rows: z.array(z.string()).optional() }),
  z.object({ rule: z.literal('row-sum'), column: z.string(), target: z.string(), of: z.array(z.string()).min(1) }),
  z.object({
    rule: z.literal('row-difference'),
    target: z.string(),
    minuend: z.string(),
    subtrahend: z.string(),
    columns: z.array(z.string()).optional(),
  }),
  z.object({
    rule: z.literal('conv-params'),
    column: z.string(),
    layers: z.record(z.object({ kernel: z.tuple([z.number().int(), z.number().int()]), in: z.number().int(), out: z.number().int() })),
  }),
  z.object({ rule: z.literal('soa-params'), column: z.string(), blocks: z.record(z.array(z.number().int().min(1).max(7)).min(1)) }),
  z.object({
    rule: z.literal('equal-cells'),
    a: z.object({ table: z.string(), row: z.string() }),
    b: z.object({ table: z.string(), row: z.string() }),
    columns: z.array(z.tuple([z.string(), z.string()])).min(1),
  }),
  z.object({
    rule: z.literal('claim'),
    text: z.string(),
    stated: Stated,
    expression: z.string(),
    comparator: z.enum(['=', '>=', '<=']).default('='),
  }),
  z.object({ rule: z.literal('range'), columns: z.array(z.string()).min(1), min: z.number().optional(), max: z.number().optional() }),
]);
export type CheckSpec = z.infer<typeof CheckSpec>;

export const ClaimSpec = z
  .object({ text: z.string(), value: z.union([z.number(), z.string()]).optional(), unit: z.string().optional(), about: z.string().optional() })
  .passthrough();

export const TableSpec = z
  .object({
    id: z.string().regex(/^[a-z0-9-]+\/[a-z0-9-]+$/, '<paper>/<entry>'),
    version: z.number().int().min(1),
    kind: z.enum(['table', 'figure']),
    document: z.string(),
    paper: z.string(),
    number: z.string(),
    title: z.string(),
    caption: z.string().optional(),
    metric: z
      .object({ name: z.string(), unit: z.string().optional(), higher_is_better: z.boolean().optional(), convention: z.string().optional() })
      .passthrough()
      .optional(),
    datasets: z.array(z.string()).default([]),
    models: z.array(z.string()).default([]),
    protocol: z.string().optional(),
    seeds: z.number().int().min(1).default(1),
    replay: z.object({ here: z.enum(['smoke', 'no']), needs: z.array(z.string()).default([]), why: z.string() }),
    columns: z.array(ColumnSpec).default([]),
    rows: z.array(RowSpec).default([]),
    /** The row every other row is tested against (Welch's t-test over seeds), e.g. SOSNet+ in SOLAR's SOA table. */
    baseline_row: z.string().optional(),
    checks: z.array(CheckSpec).default([]),
    claims: z.array(ClaimSpec).default([]),
    plotted: z.string().optional(),
    marks: z.array(z.object({ row: z.string(), column: z.string(), mark: z.string() }).passthrough()).default([]),
    notes: z.array(z.string()).default([]),
  })
  .passthrough();
export type TableSpec = z.infer<typeof TableSpec>;
