/**
 * The lines an external Mosquitto needs besides the generated password and ACL files (see
 * docs/scale-out.md, which shows them, and the tests, which run Mosquitto with them).
 * `use_username_as_clientid`: Mosquitto replaces whatever client id a client sends with its
 * username, so one account holds one session and a device's valid login can no longer take the
 * server's or another device's (Mosquitto has no per-account client-id rule in its ACL file).
 * The cost: two connections of one account replace each other, so every server instance needs
 * an account of its own, and a device's doctor run disconnects the device's daemon for a moment.
 */
export const MOSQUITTO_REQUIRED_SETTINGS = ['use_username_as_clientid true'] as const;
