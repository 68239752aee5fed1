/**
 * The example app `cdktf synth` runs (see cdktf.json):
 *
 *   npx cdktf synth                              # passes: the demo instance's latest automatic scan succeeded
 *   DCS_BIGKEY_DEMO=failing npx cdktf synth      # fails: its latest automatic scan failed
 *   DCS_BIGKEY_FRAMEWORK=cdktn npx cdktf synth   # the same app built with CDK Terrain (or: npx cdktn synth, Node >= 22.19)
 */
import { exampleEnvironment } from './environment';
import { exampleFramework } from './framework';
import { consumerStack, producerStack } from './stacks';

async function main(): Promise<void> {
  const { cdk } = exampleFramework();
  const environment = await exampleEnvironment();
  try {
    const app = new cdk.App();
    producerStack(cdk, app, 'producer', { cacheName: environment.cacheName, instanceId: environment.instanceId });
    consumerStack(cdk, app, 'consumer', { producerOutputPrefix: environment.cacheName, producerStackId: 'producer' });
    app.synth();
  } finally {
    await environment.close();
  }
}

main().catch((error: Error) => {
  process.stderr.write(`${error.message}\n`);
  process.exitCode = 1;
});
