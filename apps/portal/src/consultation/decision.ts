// What the consultation desk may decide for a 機種未定 application: an extension to a date after the
// application's current deadline, not in the past, and within the fiscal year of the campaign's
// target (the goal was ~90% of institutions by March 2022; a portal policy, not a seed rule).
import { MODEL_SELECTION_DEADLINE } from '@shikaku/core/card-readers';

export const LATEST_EXTENSION = '2022-03-31';

export type ExtensionProblem = 'NOT_A_DATE' | 'NOT_LATER' | 'IN_THE_PAST' | 'TOO_LATE';

export function checkExtension(
  until: string | undefined,
  today: string,
  currentDeadline: string = MODEL_SELECTION_DEADLINE.extended,
): ExtensionProblem | undefined {
  if (!until) return 'NOT_A_DATE';
  if (until <= currentDeadline) return 'NOT_LATER';
  if (until < today) return 'IN_THE_PAST';
  if (until > LATEST_EXTENSION) return 'TOO_LATE';
  return undefined;
}
