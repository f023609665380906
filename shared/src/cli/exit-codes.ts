/**
 * sysexits(3): the journal and a supervising script then tell a bad command line from a bad
 * configuration from a missing service, without parsing the message.
 */
export const EX_USAGE = 64;
/** Input data that cannot be used: a database that is not ours, a migration that fails. */
export const EX_DATAERR = 65;
/** Something needed is not there or does not answer: a port taken, a broker or database down, a program missing. */
export const EX_UNAVAILABLE = 69;
/** A fault of our own: an error nobody foresaw. */
export const EX_SOFTWARE = 70;
/** A file or folder we must write cannot be created. */
export const EX_CANTCREAT = 73;
/** Not allowed: a privileged port, credentials refused. */
export const EX_NOPERM = 77;
export const EX_CONFIG = 78;
