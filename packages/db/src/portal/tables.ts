// Tables of the `portal` schema, keyed 'portal.<table>'. Only the owning app's repositories use them.
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface PortalTables {}
