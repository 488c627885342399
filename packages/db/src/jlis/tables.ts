// Tables of the `jlis` schema, keyed 'jlis.<table>'. Only the owning app's repositories use them.
import type { ColumnType } from 'kysely';

/** 住民基本台帳: one resident with the five facts the intermediate server matches on. */
export interface JlisResidentsTable {
  my_number: string;
  /** 漢字氏名 */
  name: string;
  /** カナ氏名, full-width katakana */
  name_kana: string;
  /** YYYY-MM-DD */
  birth_date: string;
  /** 1 male, 2 female, 3 unset */
  sex: string;
  /** 住所 */
  address: string;
}

export type CertificateStatus = 'valid' | 'revoked' | 'expired';

/** 利用者証明用電子証明書 of a My Number card, by serial. */
export interface JlisCertificatesTable {
  serial: string;
  my_number: string;
  status: CertificateStatus;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface JlisTables {
  'jlis.residents': JlisResidentsTable;
  'jlis.certificates': JlisCertificatesTable;
}
