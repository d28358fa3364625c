import { Injectable, NotFoundException } from '@nestjs/common';
import { UsersRepository, type Account } from './users.repository';

@Injectable()
export class UsersService {
  constructor(private readonly users: UsersRepository) {}

  async get(id: string): Promise<Account> {
    const user = await this.users.findById(id);
    if (!user) throw new NotFoundException('user not found');
    return user;
  }
}
