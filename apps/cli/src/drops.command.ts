import type { DropRuleCreateRequest } from '@voxq/sdk';
import { parseCommand, printJson, UsageError, type ApiEnv } from './api-command';

export const DROPS_USAGE = `Bucket drops (through the API, with VOXQ_URL / VOXQ_API_KEY):
  voxq drops list                   the tenant's drop rules
  voxq drops create --prefix <tenants/<t>/in/> --output-prefix <tenants/<t>/out/> --type <transcribe|synthesize>
                    [--language <tag>] [--webhook <url>]
  voxq drops delete <ruleId>`;

/** `voxq drops list|create|delete`. */
export async function dropsCommand(argv: string[], env: ApiEnv): Promise<number> {
  const { positionals, values, client } = parseCommand(
    argv,
    { prefix: { type: 'string' }, 'output-prefix': { type: 'string' }, type: { type: 'string' }, language: { type: 'string' }, webhook: { type: 'string' } },
    env,
  );
  const [action, id] = positionals;
  if (values['help'] || !action) {
    (values['help'] ? console.log : console.error)(DROPS_USAGE);
    return values['help'] ? 0 : 2;
  }
  const drops = client().dropRules;
  if (action === 'list') {
    const rules = await drops.list();
    if (values['json']) {
      printJson(rules);
      return 0;
    }
    console.log(rules.map((r) => `${r.id}  ${r.type.padEnd(10)}  ${r.prefix} → ${r.outputPrefix}`).join('\n') || '(no drop rules)');
    return 0;
  }
  if (action === 'create') {
    const { prefix, 'output-prefix': outputPrefix, type } = values as Record<string, string | undefined>;
    if (!prefix || !outputPrefix || (type !== 'transcribe' && type !== 'synthesize'))
      throw new UsageError('drops create needs --prefix, --output-prefix and --type transcribe|synthesize.');
    const request: DropRuleCreateRequest = {
      prefix,
      outputPrefix,
      type,
      ...(values['language'] ? { intent: { language: values['language'] as string } } : {}),
      ...(values['webhook'] ? { webhook: { url: values['webhook'] as string } } : {}),
    };
    printJson(await drops.create(request));
    return 0;
  }
  if (action === 'delete' && id) {
    await drops.delete(id);
    console.log(values['json'] ? JSON.stringify({ id, deleted: true }) : `Deleted ${id}.`);
    return 0;
  }
  throw new UsageError(DROPS_USAGE);
}
