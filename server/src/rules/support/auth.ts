// Facts about authentication methods that several rules share.

/** Auth types that never look a user up with auth_query. */
export const WITHOUT_LOOKUP: ReadonlySet<string> = new Set(['any', 'pam', 'ldap']);
