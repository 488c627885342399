// Tables of the `intermediate` schema, keyed 'intermediate.<table>'. Only the owning app's repositories use them.
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface IntermediateTables {}
