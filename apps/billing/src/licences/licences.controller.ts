import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { BILLING_SUBJECTS, SetLicenceRequest } from '@app/contracts';
import { handleMessage } from '../billing-handlers';
import { LicencesService } from './licences.service';

@Controller()
export class LicencesController {
  constructor(private readonly licences: LicencesService) {}

  @MessagePattern(BILLING_SUBJECTS.setLicence)
  setLicence(@Payload() data: unknown) {
    return handleMessage(SetLicenceRequest, data, (r) => this.licences.setLicence(r));
  }
}
