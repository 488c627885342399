// Tables of the `eligibility` schema, keyed 'eligibility.<table>'. Only the owning app's repositories use them.
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface EligibilityTables {}
