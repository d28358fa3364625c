import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiExtension, ApiResponse, ApiSecurity } from '@nestjs/swagger';
import { ErrorResponseDto } from '../common/dto/error-response.dto';
import type { ApiKeyScope } from './scopes';

export const REQUIRED_SCOPES = 'requiredScopes';
export const JWT_ONLY = 'jwtOnly';

/**
 * The route needs a JWT or an API key; with scopes, a key must hold each of them (a JWT holds
 * all). Documents both security schemes, the 401, and the 403 and `x-required-scopes` when
 * scopes are named.
 */
export function Authenticated(...scopes: ApiKeyScope[]) {
  return applyDecorators(
    ApiBearerAuth('bearer'),
    ApiSecurity('apiKey'),
    ApiResponse({
      status: 401,
      type: ErrorResponseDto,
      description: 'missing or invalid credentials',
    }),
    ...(scopes.length
      ? [
          SetMetadata(REQUIRED_SCOPES, scopes),
          ApiExtension('x-required-scopes', scopes),
          ApiResponse({
            status: 403,
            type: ErrorResponseDto,
            description: `an API key without the ${scopes.map((s) => `'${s}'`).join(', ')} scope`,
          }),
        ]
      : []),
  );
}

/** The route takes a JWT only: an API key answers 403 (key management). */
export function AuthenticatedByJwt() {
  return applyDecorators(
    SetMetadata(JWT_ONLY, true),
    ApiBearerAuth('bearer'),
    ApiSecurity('apiKey'),
    ApiExtension('x-requires-jwt', true),
    ApiResponse({
      status: 401,
      type: ErrorResponseDto,
      description: 'missing or invalid credentials',
    }),
    ApiResponse({
      status: 403,
      type: ErrorResponseDto,
      description: 'an API key (a JWT is needed)',
    }),
  );
}
