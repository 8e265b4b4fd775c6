// People's accounts at a node, kept in the node's sealed store: a password only as its Argon2id hash
// (libsodium's crypto_pwhash_str, the same library and algorithm that protect the key files).
import { DmsnetError } from '@dmsnet/formats/errors';
import { sodium } from '../crypto/sodium.js';
import type { GatewayStore } from '../store/store.js';
import { rolesOf, type ParticipantRole } from './roles.js';

export const USERS_SUBLEVEL = 'users';

export interface User {
  username: string;
  fullName: string;
  role: string;
  passwordHash: string;
  disabled: boolean;
  createdAt: string;
  /** Bumped by a password change or a disabling: sessions opened before it end. */
  version: number;
}

export type PublicUser = Omit<User, 'passwordHash'>;

export class UserError extends DmsnetError {}

export interface PasswordLimits {
  opslimit: number;
  memlimit: number;
}

const USERNAME = /^[a-z0-9][a-z0-9._-]{1,63}$/;
export const MIN_PASSWORD = 10;

const publicOf = ({ passwordHash: _h, ...u }: User): PublicUser => u;

export class UserStore {
  constructor(
    private readonly store: GatewayStore,
    readonly participantRole: ParticipantRole,
    private readonly limits?: PasswordLimits,
  ) {}

  private async hash(password: string): Promise<string> {
    const libsodium = await sodium();
    // INTERACTIVE (64 MiB, 2 passes, about 0.25 s here): libsodium's level for online logins.
    const { opslimit, memlimit } = this.limits ?? {
      opslimit: libsodium.crypto_pwhash_OPSLIMIT_INTERACTIVE,
      memlimit: libsodium.crypto_pwhash_MEMLIMIT_INTERACTIVE,
    };
    return libsodium.crypto_pwhash_str(password, opslimit, memlimit);
  }

  private checkPassword(password: string): void {
    if (typeof password !== 'string' || [...password].length < MIN_PASSWORD) {
      throw new UserError('PASSWORD_TOO_SHORT', `a password needs at least ${MIN_PASSWORD} characters`, [
        { pointer: '/password', code: 'PASSWORD_TOO_SHORT', message: `at least ${MIN_PASSWORD} characters` },
      ]);
    }
  }

  async get(username: string): Promise<User | undefined> {
    return this.store.get<User>(USERS_SUBLEVEL, username);
  }

  async list(): Promise<PublicUser[]> {
    const out: PublicUser[] = [];
    for await (const u of this.store.sublevel<User>(USERS_SUBLEVEL).values()) out.push(publicOf(u));
    return out;
  }

  async add(input: {
    username: string;
    fullName: string;
    role: string;
    password: string;
  }): Promise<PublicUser> {
    if (!USERNAME.test(input.username ?? '')) {
      throw new UserError(
        'USERNAME_INVALID',
        'a user name is 2–64 of a-z 0-9 . _ - (starting with a letter or digit)',
        [{ pointer: '/username', code: 'USERNAME_INVALID', message: 'lowercase letters, digits, . _ -' }],
      );
    }
    const roles = rolesOf(this.participantRole);
    if (!roles.includes(input.role)) {
      throw new UserError(
        'ROLE_UNKNOWN',
        `a ${this.participantRole} node knows the roles ${roles.join(', ')}`,
        [{ pointer: '/role', code: 'ROLE_UNKNOWN', message: `one of ${roles.join(', ')}` }],
      );
    }
    if (!input.fullName?.trim()) {
      throw new UserError('FULL_NAME_REQUIRED', 'a user needs a full name (it signs the audit log)', [
        { pointer: '/fullName', code: 'FULL_NAME_REQUIRED', message: 'required' },
      ]);
    }
    this.checkPassword(input.password);
    if (await this.get(input.username)) {
      throw new UserError('USER_EXISTS', `user ${input.username} already exists`, [
        { pointer: '/username', code: 'USER_EXISTS', message: 'taken' },
      ]);
    }
    const user: User = {
      username: input.username,
      fullName: input.fullName.trim(),
      role: input.role,
      passwordHash: await this.hash(input.password),
      disabled: false,
      createdAt: new Date().toISOString(),
      version: 1,
    };
    await this.put(user);
    return publicOf(user);
  }

  async setPassword(username: string, password: string): Promise<PublicUser> {
    this.checkPassword(password);
    const u = await this.must(username);
    const next = { ...u, passwordHash: await this.hash(password), version: u.version + 1 };
    await this.put(next);
    return publicOf(next);
  }

  async disable(username: string): Promise<PublicUser> {
    const u = await this.must(username);
    const next = { ...u, disabled: true, version: u.version + 1 };
    await this.put(next);
    return publicOf(next);
  }

  /**
   * The user if the password is theirs and the account is active. An unknown name costs the same hashing as a known
   * one, so timing does not tell which names exist.
   */
  async verify(username: string, password: string): Promise<User | undefined> {
    const libsodium = await sodium();
    const u = typeof username === 'string' ? await this.get(username) : undefined;
    const hash = u?.passwordHash ?? (await this.decoy());
    const ok = typeof password === 'string' && libsodium.crypto_pwhash_str_verify(hash, password);
    return ok && u && !u.disabled ? u : undefined;
  }

  private decoyHash?: Promise<string>;
  private decoy(): Promise<string> {
    this.decoyHash ??= this.hash('decoy password, never valid');
    return this.decoyHash;
  }

  private async must(username: string): Promise<User> {
    const u = await this.get(username);
    if (!u) throw new UserError('USER_NOT_FOUND', `no user ${username}`);
    return u;
  }

  private put(u: User): Promise<void> {
    return this.store.batch([{ type: 'put', sublevel: USERS_SUBLEVEL, key: u.username, value: u }]);
  }
}
