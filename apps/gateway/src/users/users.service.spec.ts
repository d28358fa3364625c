import { NotFoundException } from '@nestjs/common';
import { FakeUsersRepository } from '../../../../test/support/gateway-fakes';
import type { UsersRepository } from './users.repository';
import { UsersService } from './users.service';

describe('UsersService', () => {
  it('finds the user by id, and answers 404 for an unknown one', async () => {
    const users = new FakeUsersRepository();
    const service = new UsersService(users as unknown as UsersRepository);
    const ana = users.add({ email: 'ana@example.com' });
    expect(await service.get(ana.id)).toBe(ana);
    await expect(service.get('nope')).rejects.toThrow(NotFoundException);
  });
});
