// @ts-check
/**
 * Kafka consumer-group helpers shared by the tests and the benchmark.
 */

/**
 * Commits, for a consumer group that has not consumed yet, the current end of every partition of
 * `topic`: the group's consumer then starts with the next message, not with what other runs
 * sharing this Kafka left on the topic.
 * @param {import('kafkajs').Kafka} kafka @param {string} groupId @param {string} topic
 */
export async function startGroupAtEnd(kafka, groupId, topic) {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const ends = await admin.fetchTopicOffsets(topic);
    await admin.setOffsets({
      groupId,
      topic,
      partitions: ends.map(({ partition, high }) => ({ partition, offset: high })),
    });
  } finally {
    await admin.disconnect();
  }
}
