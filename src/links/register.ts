import type { Models } from '../db/models';

/** Records what a link's code stands for (once: registering it again changes nothing). */
export async function registerLinkCode(models: Models, code: string, kind: 'invitation' | 'offer', targetId: string): Promise<void> {
  try {
    await models.LinkCode.create({ _id: code, kind, targetId, createdAt: new Date() });
  } catch (err) {
    if ((err as { code?: number }).code !== 11000) throw err;
  }
}
