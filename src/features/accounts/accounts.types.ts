export const organisationKinds = ['municipality', 'vendor', 'secretariat'] as const;
export type OrganisationKind = (typeof organisationKinds)[number];

export const organisationKindLabels: Record<OrganisationKind, string> = {
  municipality: '特別会員（地方公共団体）',
  vendor: '一般会員（民間企業・研究機関等）',
  secretariat: 'ＡＰＰＬＩＣ事務局',
};

/** The logged-in user as every page sees it (res.locals.currentUser). */
export type SessionUser = {
  id: number;
  loginId: string;
  name: string;
  department: string;
  phone: string;
  email: string;
  organisationId: number;
  organisationName: string;
  organisationKind: OrganisationKind;
  /** Two-factor login (TOTP) is on for the account. */
  twoFactor: boolean;
};

export type LoginEventReason =
  | 'ok'
  | 'bad_credentials'
  | 'inactive'
  | 'locked'
  | 'lock_started'
  | 'ip_throttled'
  | 'outside_range_denied'
  /** The password was right; the login waits for the code of the second factor. */
  | 'second_factor'
  /** A wrong code of the second factor (counted toward the ID's lock like a wrong password). */
  | 'bad_otp'
  /** Sign-in through the association's issuer whose answer did not check out (migration 0035). */
  | 'oidc_refused'
  /** An issuer's subject linked to no account (login_id holds the subject). */
  | 'oidc_unlinked'
  /** A right password for a municipality or vendor account while the secretariat requires the association's ID. */
  | 'password_not_allowed';
