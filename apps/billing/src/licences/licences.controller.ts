import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { natsNames, SetLicenceRequest } from '@app/contracts';
import { handleMessage } from '../billing-handlers';
import { LicencesService } from './licences.service';

/** Subjects are read when this file loads: main.ts loads .env first (dotenv/config). */
const SUBJECTS = natsNames().billing;

@Controller()
export class LicencesController {
  constructor(private readonly licences: LicencesService) {}

  @MessagePattern(SUBJECTS.setLicence)
  setLicence(@Payload() data: unknown) {
    return handleMessage(SetLicenceRequest, data, (r) => this.licences.setLicence(r));
  }
}
