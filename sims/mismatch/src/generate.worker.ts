import { fillMemberColumns, type MemberColumns } from '@shikaku/synth/columnar';

/** A piscina task: generate persons [from, to) straight into shared population columns. */
export interface GenerateTask {
  seed: number;
  size: number;
  asOf: string;
  from: number;
  to: number;
  columns: MemberColumns;
}

export default function generate(task: GenerateTask): number {
  fillMemberColumns(task, task.from, task.to, task.columns);
  return task.to - task.from;
}
