import { Controller, Delete, Get, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import {
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Authenticated } from '../auth/authenticated.decorator';
import { CurrentUser, type AuthUser } from '../auth/current-user.decorator';
import { ErrorResponseDto } from '../common/dto/error-response.dto';
import { ExpensiveRoute } from '../common/throttling/rate-limits';
import { AssetsService } from './assets.service';
import { AssetDto, AssetListDto, UploadAssetDto } from './dto/asset.dto';

@ApiTags('assets')
@ApiResponse({
  status: 404,
  type: ErrorResponseDto,
  description: 'no such project or asset of the caller',
})
@Controller('projects/:id/assets')
export class AssetsController {
  constructor(private readonly assets: AssetsService) {}

  @Post()
  @Authenticated('write')
  @ExpensiveRoute()
  @ApiOperation({
    operationId: 'uploadAsset',
    summary:
      'Upload a brand asset (multipart, field "file"): a logo (PNG, JPEG, WebP, up to 20 MB) or music (MP3, AAC, WAV, FLAC, up to 100 MB)',
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody({ type: UploadAssetDto })
  @ApiCreatedResponse({ type: AssetDto })
  @ApiResponse({
    status: 400,
    type: ErrorResponseDto,
    description: 'empty, corrupt, or a video rather than an image or a sound',
  })
  @ApiResponse({
    status: 409,
    type: ErrorResponseDto,
    description: 'the project already holds 50 assets',
  })
  @ApiResponse({ status: 413, type: ErrorResponseDto, description: 'larger than its kind’s limit' })
  @ApiResponse({
    status: 415,
    type: ErrorResponseDto,
    description: 'not multipart, or not one of the accepted image and sound types',
  })
  async upload(
    @CurrentUser() user: AuthUser,
    @Param('id') projectId: string,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<AssetDto> {
    try {
      return AssetDto.from(await this.assets.upload(user.id, projectId, req));
    } catch (e) {
      // The rest of the body is not read: close the connection instead of draining it.
      if (!req.complete) res.setHeader('Connection', 'close');
      throw e;
    }
  }

  @Get()
  @Authenticated('read')
  @ApiOperation({ operationId: 'listAssets', summary: "The project's assets, newest first" })
  @ApiOkResponse({ type: AssetListDto })
  async list(@CurrentUser() user: AuthUser, @Param('id') projectId: string): Promise<AssetListDto> {
    const items = await this.assets.list(user.id, projectId);
    return { items: items.map(AssetDto.from), total: items.length };
  }

  @Delete(':assetId')
  @Authenticated('write')
  @HttpCode(204)
  @ApiOperation({ operationId: 'deleteAsset', summary: 'Delete an asset: its row and its file' })
  @ApiNoContentResponse()
  @ApiResponse({
    status: 409,
    type: ErrorResponseDto,
    description: "the project's settings or one of its running jobs use the asset",
  })
  async remove(
    @CurrentUser() user: AuthUser,
    @Param('id') projectId: string,
    @Param('assetId') assetId: string,
  ): Promise<void> {
    await this.assets.remove(user.id, projectId, assetId);
  }
}
