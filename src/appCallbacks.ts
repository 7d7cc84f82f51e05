import { randomBytes } from 'node:crypto';
import type { Config } from './config.ts';
import type { HostCoordination, TaskHintListener } from './db/hostCoordination.ts';
import type { Logger } from './logger.ts';
import { startWebhookServer, webhookUrlFor, type WebhookServer } from './services/apimart/webhookServer.ts';
import type { JobScheduler } from './services/jobs/jobScheduler.ts';
import type { TaskPush } from './services/jobs/taskPush.ts';

export interface ProviderCallbacks {
  close(): Promise<void>;
}

/**
 * The provider's callbacks (PUBLIC_WEBHOOK_URL), each only a hint to poll a task now. One server per host
 * port: with several shard processes only the first listens. On one host its secret is random per
 * process and the other processes' tasks are simply polled. With several hosts (PostgreSQL) the secret
 * is one row every host shares, so every process names the same callback URL; whichever host receives
 * a callback answers at once and passes the hint on through the database (NOTIFY), and the process that
 * polls the task hears it (LISTEN). A hint lost on the way costs one poll interval, nothing more.
 */
export async function startProviderCallbacks(parts: {
  config: Config; logger: Logger; scheduler: JobScheduler; push: TaskPush | undefined; hosts: HostCoordination | undefined;
}): Promise<ProviderCallbacks> {
  const { config, logger, scheduler, push, hosts } = parts;
  const publicUrl = config.publicWebhookUrl;
  if (!publicUrl || !push) return { close: async () => undefined };
  const secret = hosts ? await hosts.webhookSecret() : randomBytes(24).toString('base64url');
  let listener: TaskHintListener | undefined;
  if (hosts) {
    listener = await hosts.listenForTaskHints((taskId) => scheduler.taskHint(taskId),
      (err) => logger.warn('task_hint_listener_lost', { err, action: 'reconnecting; callbacks only hint, polls go on' }));
  }
  let server: WebhookServer | undefined;
  if ((config.shardProcess?.index ?? 0) === 0) {
    server = await startWebhookServer({
      publicUrl, secret, host: config.webhookListenHost, port: config.webhookListenPort, logger,
      onTaskHint: hosts
        ? (taskId) => void hosts.publishTaskHint(taskId).catch((err) => logger.warn('task_hint_publish_failed', { err }))
        : (taskId) => scheduler.taskHint(taskId),
    });
  }
  // Submits name the callback from now on; on one host only where this process's own server listens.
  if (server || hosts) push.activate(webhookUrlFor(publicUrl, secret));
  return {
    async close() {
      await server?.close();
      await listener?.stop();
    },
  };
}
