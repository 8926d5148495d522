"""A compute pipeline for one kernel: shader module, layouts, pipeline, descriptor set.

Every kernel has the same interface, ``glsl_transpile.abi``: set 0 holds storage buffers for the
per-sample records, the RGBA8 pixels and the parameters; set 1 the four channels (combined image
samplers) and the storage image a buffer pass writes; and a push-constant block.
"""
from __future__ import annotations

from contextlib import ExitStack

import vulkan as vk

from glsl_transpile.abi import (BINDINGS, BUFFER_OUT_BINDING, CHANNEL_BINDINGS,
                                FRAMES_BINDING, PARAMS_BINDING, PIXELS_BINDING, PUSH_BYTES)

from .vkcall import vk_errors

_STAGE = vk.VK_SHADER_STAGE_COMPUTE_BIT


class KernelLayout:
    """Descriptor-set layouts (set 0: buffers, set 1: channels) and the pipeline layout shared
    by every kernel on a device."""

    def __init__(self, device):
        self._stack = ExitStack()
        dev = device.device
        buffers = [_binding(i, vk.VK_DESCRIPTOR_TYPE_STORAGE_BUFFER) for i in BINDINGS]
        channels = [_binding(i, vk.VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER)
                    for i in CHANNEL_BINDINGS]
        channels.append(_binding(BUFFER_OUT_BINDING, vk.VK_DESCRIPTOR_TYPE_STORAGE_IMAGE))
        self.set_layout = self._set_layout(dev, buffers)
        self.channel_layout = self._set_layout(dev, channels)
        push = vk.VkPushConstantRange(stageFlags=_STAGE, offset=0, size=PUSH_BYTES)
        with vk_errors("vkCreatePipelineLayout"):
            self.pipeline_layout = vk.vkCreatePipelineLayout(dev, vk.VkPipelineLayoutCreateInfo(
                setLayoutCount=2, pSetLayouts=[self.set_layout, self.channel_layout],
                pushConstantRangeCount=1, pPushConstantRanges=[push]), None)
        self._stack.callback(vk.vkDestroyPipelineLayout, dev, self.pipeline_layout, None)

    def _set_layout(self, dev, bindings):
        with vk_errors("vkCreateDescriptorSetLayout"):
            layout = vk.vkCreateDescriptorSetLayout(
                dev, vk.VkDescriptorSetLayoutCreateInfo(bindingCount=len(bindings),
                                                        pBindings=bindings), None)
        self._stack.callback(vk.vkDestroyDescriptorSetLayout, dev, layout, None)
        return layout

    def close(self) -> None:
        self._stack.close()


def _binding(index: int, kind: int):
    return vk.VkDescriptorSetLayoutBinding(binding=index, descriptorType=kind,
                                           descriptorCount=1, stageFlags=_STAGE)


def create_pipeline(device, layout: KernelLayout, spirv: bytes, name: str, *,
                    cache=vk.VK_NULL_HANDLE):
    """A compute pipeline for ``spirv`` (through the ``VkPipelineCache`` ``cache``); returns
    (pipeline, destroy callback)."""
    dev = device.device
    with vk_errors("vkCreateShaderModule", shader=name, size_bytes=len(spirv)):
        module = vk.vkCreateShaderModule(
            dev, vk.VkShaderModuleCreateInfo(codeSize=len(spirv), pCode=spirv), None)
    try:
        flags = (vk.VK_PIPELINE_SHADER_STAGE_CREATE_REQUIRE_FULL_SUBGROUPS_BIT_EXT
                 if device.info.full_subgroups else 0)
        stage = vk.VkPipelineShaderStageCreateInfo(stage=_STAGE, module=module, pName="main",
                                                   flags=flags)
        info = vk.VkComputePipelineCreateInfo(stage=stage, layout=layout.pipeline_layout)
        with vk_errors("vkCreateComputePipelines", shader=name):
            pipeline = vk.vkCreateComputePipelines(dev, cache, 1, [info], None)[0]
    finally:
        vk.vkDestroyShaderModule(dev, module, None)
    return pipeline, lambda: vk.vkDestroyPipeline(dev, pipeline, None)


class DescriptorSets:
    """A pool of descriptor sets, each binding (records, pixels, parameters) buffers."""

    def __init__(self, device, layout: KernelLayout, count: int):
        dev = device.device
        self._dev = dev
        size = vk.VkDescriptorPoolSize(type=vk.VK_DESCRIPTOR_TYPE_STORAGE_BUFFER,
                                       descriptorCount=len(BINDINGS) * count)
        with vk_errors("vkCreateDescriptorPool", sets=count):
            self.pool = vk.vkCreateDescriptorPool(dev, vk.VkDescriptorPoolCreateInfo(
                maxSets=count, poolSizeCount=1, pPoolSizes=[size]), None)
        with vk_errors("vkAllocateDescriptorSets", sets=count):
            self.sets = vk.vkAllocateDescriptorSets(dev, vk.VkDescriptorSetAllocateInfo(
                descriptorPool=self.pool, descriptorSetCount=count,
                pSetLayouts=[layout.set_layout] * count))

    def bind(self, index: int, records_buffer, pixels_buffer, params_buffer) -> None:
        writes = [vk.VkWriteDescriptorSet(
            dstSet=self.sets[index], dstBinding=b, descriptorCount=1,
            descriptorType=vk.VK_DESCRIPTOR_TYPE_STORAGE_BUFFER,
            pBufferInfo=[vk.VkDescriptorBufferInfo(buffer=buf, offset=0, range=0xFFFFFFFFFFFFFFFF)])
            for b, buf in ((FRAMES_BINDING, records_buffer), (PIXELS_BINDING, pixels_buffer),
                           (PARAMS_BINDING, params_buffer))]
        vk.vkUpdateDescriptorSets(self._dev, len(writes), writes, 0, None)

    def close(self) -> None:
        if self.pool is not None:
            vk.vkDestroyDescriptorPool(self._dev, self.pool, None)
            self.pool = None
