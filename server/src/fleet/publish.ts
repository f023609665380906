/** Publishes one QoS 1 message through the server's MQTT connection; rejects when it cannot. */
export type Publish = (topic: string, payload: string, options: { retain: boolean }) => Promise<void>;
