// A piscina worker of bulk-bench: formats a range of the synthetic population as registered members
// (COPY text), so that generating 10M members is spread over the machine's cores.
import { Piscina } from 'piscina';
import { registrationsCopyText } from '@shikaku/db/intermediate/bulk-load';
import { generatePopulation, type PopulationOptions } from '@shikaku/synth/population';
import { registrationOfPerson } from '../seed.js';

export interface MembersTask {
  population: PopulationOptions;
  from: number;
  to: number;
  personRefSecret: string;
  /** ISO timestamp for `updated_at`. */
  at: string;
}

function* members(task: MembersTask) {
  const persons = generatePopulation({ ...task.population, from: task.from, to: task.to });
  for (const person of persons) {
    yield registrationOfPerson(person, task.personRefSecret, `E${person.index}`);
  }
}

/** The range as UTF-8 COPY text, moved to the main thread without a copy. */
export default function formatMembers(task: MembersTask): Uint8Array {
  return Piscina.move(
    new TextEncoder().encode(registrationsCopyText(members(task), new Date(task.at))),
  ) as unknown as Uint8Array;
}
