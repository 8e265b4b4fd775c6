// `dmsnet-network orderer …`: the operator's verbs for adding and removing a SmartBFT consenter (decision 0030). The
// update they write is signed, checked and submitted with the channel verbs, as any channel change is.
import { InvalidArgumentError, type Command } from 'commander';
import { findFabric } from './binaries.js';
import type { PolicyCheck } from './channel-update.js';
import {
  createOrderer,
  joinOrderer,
  leaveOrderer,
  listConsenters,
  proposeAddConsenter,
  proposeRemoveConsenter,
  startOrderer,
} from './consenters.js';
import type { OrgContext } from './org.js';
import { consoleProgress } from './progress.js';

interface Acting {
  home?: string;
  org?: string;
}

export interface CliHelpers {
  both: (en: string, ru: string) => string;
  acting: (o: Acting) => Promise<OrgContext>;
  actingOptions: (c: Command) => Command;
  printCheck: (c: PolicyCheck) => void;
}

const port = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1024 || n > 65_535)
    throw new InvalidArgumentError('a port number from 1024 to 65535');
  return n;
};

export function orderer(program: Command, h: CliHelpers): void {
  const { both, acting, actingOptions, printCheck } = h;
  const cmd = program
    .command('orderer')
    .description(
      both(
        'the SmartBFT ordering service: list, add and remove consenters by a signed channel update',
        'служба упорядочивания SmartBFT: список, добавление и удаление участников консенсуса подписанным изменением канала',
      ),
    );

  actingOptions(
    cmd
      .command('list')
      .description(
        both(
          'the channel’s consenters, how many faulty orderers they tolerate, the quorum per block',
          'участники консенсуса канала, сколько неисправных узлов они выдерживают, кворум на блок',
        ),
      ),
  ).action(async (o: Acting) => {
    const r = await listConsenters(await acting(o), await findFabric());
    for (const c of r.consenters)
      console.log(`  ${String(c.id).padStart(3)}  ${c.mspId.padEnd(20)} ${c.address}`);
    console.log(
      `${r.consenters.length} consenters: tolerate ${r.faults} faulty, ${r.quorum} sign each block`,
    );
  });

  actingOptions(
    cmd
      .command('create')
      .description(
        both(
          'make an orderer’s keys and TLS pair with your organisation’s CAs, in your own folder',
          'выпустить ключи и TLS-пару узла упорядочивания УЦ вашей организации, в вашей папке',
        ),
      )
      .option(
        '--name <name>',
        both('node name (default orderer<N>.<org>)', 'имя узла (по умолчанию orderer<N>.<org>)'),
      )
      .option(
        '--host <ip>',
        both('its address (default: your peer’s)', 'его адрес (по умолчанию адрес вашего пира)'),
      )
      .requiredOption('--port <n>', both('ordering port', 'порт упорядочивания'), port)
      .requiredOption('--admin-port <n>', both('osnadmin port', 'порт osnadmin'), port)
      .requiredOption('--operations-port <n>', both('health/metrics port', 'порт состояния и метрик'), port),
  ).action(
    async (
      o: Acting & { name?: string; host?: string; port: number; adminPort: number; operationsPort: number },
    ) => {
      const n = await createOrderer(await acting(o), o);
      console.log(`${n.name} created (${n.host}:${n.port}); next: orderer propose-add --name ${n.name}`);
    },
  );

  actingOptions(
    cmd
      .command('propose-add')
      .description(
        both(
          'compute the update making your orderer a consenter (consenters, your organisation’s endpoints, block validation)',
          'вычислить изменение, делающее ваш узел участником консенсуса (консенсус, адреса организации, проверка блоков)',
        ),
      )
      .requiredOption('--name <name>', both('your orderer', 'ваш узел упорядочивания'))
      .requiredOption(
        '--out <file>',
        both('the update file to hand around', 'файл изменения для передачи на подпись'),
      ),
  ).action(async (o: Acting & { name: string; out: string }) => {
    const c = await proposeAddConsenter(await acting(o), await findFabric(), o.name, o.out);
    console.log(`update adding consenter ${c.id} written to ${o.out}; sign with channel sign-update`);
    printCheck(c);
  });

  actingOptions(
    cmd
      .command('propose-remove')
      .description(
        both(
          'compute the update removing a consenter (by id, host:port or the name of your own orderer)',
          'вычислить изменение, удаляющее участника консенсуса (по номеру, адресу или имени своего узла)',
        ),
      )
      .requiredOption(
        '--consenter <id>',
        both('id, host:port or own node name', 'номер, адрес или имя своего узла'),
      )
      .requiredOption(
        '--out <file>',
        both('the update file to hand around', 'файл изменения для передачи на подпись'),
      ),
  ).action(async (o: Acting & { consenter: string; out: string }) => {
    const c = await proposeRemoveConsenter(await acting(o), await findFabric(), o.consenter, o.out);
    console.log(`update removing consenter ${c.id} written to ${o.out}; sign with channel sign-update`);
    printCheck(c);
  });

  for (const [verb, en, ru] of [
    ['start', 'start your orderer', 'запустить ваш узел упорядочивания'],
    [
      'join',
      'once the channel names it: join your orderer from the current config block (osnadmin) and wait until it is an active consenter',
      'после включения в конфигурацию: подключить узел по текущему блоку конфигурации (osnadmin) и дождаться, пока он станет активным участником',
    ],
    [
      'leave',
      'once the channel no longer names it: remove the channel from your orderer (osnadmin) and stop it',
      'после исключения из конфигурации: убрать канал с узла (osnadmin) и остановить его',
    ],
  ] as const) {
    actingOptions(
      cmd
        .command(verb)
        .description(both(en, ru))
        .requiredOption('--name <name>', both('your orderer', 'ваш узел упорядочивания')),
    ).action(async (o: Acting & { name: string }) => {
      const ctx = await acting(o);
      const fabric = await findFabric();
      const say = consoleProgress();
      if (verb === 'start') await startOrderer(ctx, fabric, o.name, say);
      else if (verb === 'join') await joinOrderer(ctx, fabric, o.name, say);
      else await leaveOrderer(ctx, fabric, o.name, say);
      console.log(`${o.name}: ${verb} done`);
    });
  }
}
