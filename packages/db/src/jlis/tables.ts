// Tables of the `jlis` schema, keyed 'jlis.<table>'. Only the owning app's repositories use them.
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface JlisTables {}
