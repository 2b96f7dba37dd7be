import { createPartner, type TestPartner } from './partners';
import { startTestStack, type StackOptions, type TestStack } from './stack';

/**
 * A test file's own stack and a partner in it: started before the file's tests,
 * stopped after them; `use` receives both once they are there.
 */
export function useStackWithPartner(use: (stack: TestStack, partner: TestPartner) => void, opts: StackOptions = {}): void {
  let stack: TestStack | undefined;
  beforeAll(async () => {
    stack = await startTestStack(opts);
    use(stack, await createPartner(stack));
  });
  afterAll(async () => {
    await stack?.stop();
  });
}
