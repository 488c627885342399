import { clockControlComponent } from './clock-control.js';
import type { StackComponent } from './component.js';
import { eligibilityApiComponent } from './eligibility-api.js';
import { insurerApiComponent } from './insurer-api.js';
import { jlisComponent } from './jlis.js';
import { portalComponent } from './portal.js';
import { readerEmulatorComponent } from './reader-emulator.js';

/**
 * Every app the stack starts, in start order (an app may call those before it).
 * Each app's wiring lives beside this file as `<app>.ts`.
 */
export const STACK_COMPONENTS: readonly StackComponent[] = [
  // jlis, insurer-api, eligibility-api go before the reader (it calls eligibility-api).
  jlisComponent,
  insurerApiComponent,
  eligibilityApiComponent,
  readerEmulatorComponent,
  // The portal last: usage approvals call eligibility-api.
  portalComponent,
  // The clock control last: the jobs it makes due are registered by then.
  clockControlComponent,
];
