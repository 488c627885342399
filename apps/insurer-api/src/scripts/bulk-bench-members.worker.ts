// A worker thread of bulk-bench: formats a range of the synthetic population as registered members
// (COPY text), so that generating 10M members is spread over the machine's cores.
import { parentPort } from 'node:worker_threads';
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

// Tasks are answered in the order they come, one COPY text each, as UTF-8 bytes that move to the
// main thread without a copy.
parentPort?.on('message', (task: MembersTask) => {
  const bytes = new TextEncoder().encode(registrationsCopyText(members(task), new Date(task.at)));
  parentPort?.postMessage(bytes, [bytes.buffer]);
});
