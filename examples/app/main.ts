/**
 * The example app `cdktf synth` runs (see cdktf.json):
 *
 *   npx cdktf synth                              # passes: the demo instance's latest automatic scan succeeded
 *   DCS_BIGKEY_DEMO=failing npx cdktf synth      # fails: its latest automatic scan failed
 */
import { App } from 'cdktf';
import { exampleEnvironment } from './environment';
import { ConsumerStack, ProducerStack } from './stacks';

async function main(): Promise<void> {
  const environment = await exampleEnvironment();
  try {
    const app = new App();
    new ProducerStack(app, 'producer', { cacheName: environment.cacheName, instanceId: environment.instanceId });
    new ConsumerStack(app, 'consumer', { producerOutputPrefix: environment.cacheName, producerStackId: 'producer' });
    app.synth();
  } finally {
    await environment.close();
  }
}

main().catch((error: Error) => {
  process.stderr.write(`${error.message}\n`);
  process.exitCode = 1;
});
